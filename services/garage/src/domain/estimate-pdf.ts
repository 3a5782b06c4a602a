import { drawBidiText, hasArabic, registerArabicFonts, type FontPair } from '@ecar/pdf';
import type { LineApproval } from '@ecar/contracts/requests/garage';
import { estimateTotals, lineNetMillimes } from './estimate.ts';

export type EstimateLanguage = 'fr' | 'ar' | 'en';

/** What the customer is shown before deciding: the lines (selling prices only, never purchase prices), their answer, the totals. */
export interface EstimateDocument {
  /** `DV-2026-000045`: the last version sent, or null for a draft never sent. */
  number: string | null;
  workOrderNumber: string;
  date: Date;
  customerName: string;
  vehicle: string | null;
  lines: Array<{ description: string; quantityMilli: number; unitPriceMillimes: number; vatRateBp: number; approval: LineApproval }>;
}

const WORDS = {
  fr: {
    title: 'DEVIS',
    draft: 'Projet (non envoyé)',
    workOrder: 'Ordre de réparation',
    date: 'Date',
    customer: 'Client',
    vehicle: 'Véhicule',
    columns: ['Désignation', 'Qté', 'P.U. HT', 'TVA', 'Montant HT', 'État'],
    approval: { draft: 'à envoyer', awaiting_approval: 'à valider', approved: 'accepté', declined: 'refusé' },
    net: 'Total HT',
    vat: 'TVA',
    gross: 'Total TTC',
    approved: 'Dont accepté (TTC)',
    note: 'Les lignes refusées ne sont pas comptées. Seules les lignes acceptées sont facturées.',
  },
  ar: {
    title: 'تقدير الإصلاح',
    draft: 'مسودة (لم يرسل)',
    workOrder: 'أمر الإصلاح',
    date: 'التاريخ',
    customer: 'الحريف',
    vehicle: 'السيارة',
    columns: ['البيان', 'الكمية', 'سعر الوحدة', 'الأداء', 'المبلغ دون أداء', 'الحالة'],
    approval: { draft: 'للإرسال', awaiting_approval: 'في انتظار الموافقة', approved: 'مقبول', declined: 'مرفوض' },
    net: 'المجموع دون اعتبار الأداء',
    vat: 'الأداء على القيمة المضافة',
    gross: 'المجموع باعتبار كل الأداءات',
    approved: 'منها المقبول',
    note: 'الأسطر المرفوضة غير محتسبة. لا تفوتر إلا الأسطر المقبولة.',
  },
  en: {
    title: 'ESTIMATE',
    draft: 'Draft (not sent)',
    workOrder: 'Work order',
    date: 'Date',
    customer: 'Customer',
    vehicle: 'Vehicle',
    columns: ['Description', 'Qty', 'Unit price', 'VAT', 'Net amount', 'Status'],
    approval: { draft: 'to send', awaiting_approval: 'awaiting approval', approved: 'approved', declined: 'declined' },
    net: 'Total excl. VAT',
    vat: 'VAT',
    gross: 'Total incl. VAT',
    approved: 'Of which approved (incl. VAT)',
    note: 'Declined lines are not counted. Only approved lines are invoiced.',
  },
} as const;

const REGULAR: FontPair = { arabic: 'Amiri', latin: 'Helvetica' };
const BOLD: FontPair = { arabic: 'Amiri-Bold', latin: 'Helvetica-Bold' };
const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;

/** `1234560` → `1 234,560 TND` (an ordinary space, so text extraction finds it, as on the invoice). */
export function formatTnd(millimes: number): string {
  const whole = Math.floor(millimes / 1000).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${whole},${String(millimes % 1000).padStart(3, '0')} TND`;
}

const quantity = (milli: number) => (milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3).replace(/0+$/, '').replace('.', ','));
const rate = (bp: number) => `${(bp / 100).toString().replace('.', ',')} %`;
const date = (at: Date) => new Intl.DateTimeFormat('fr-TN', { timeZone: 'Africa/Tunis', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);

/**
 * The estimate as PDF, laid out like billing's invoice (Helvetica for Latin text, the embedded Amiri
 * for Arabic, shaped and reordered by @ecar/pdf); right-to-left columns in Arabic. PDFKit is
 * imported with the first estimate, not at start (garage's resident memory stays low).
 */
export async function renderEstimatePdf(document: EstimateDocument, language: EstimateLanguage): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const words = WORDS[language];
  const rtl = language === 'ar';
  const title = `${words.title} ${document.number ?? ''}`.trim();
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title, Producer: 'ECAR', Creator: 'ECAR garage' }, lang: { fr: 'fr-TN', ar: 'ar-TN', en: 'en' }[language] });
  await registerArabicFonts(pdf);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  /** One piece of text: Arabic through the bidi drawer (right to left in the Arabic PDF), the rest through PDFKit. */
  const put = (text: string, x: number, y: number, width: number, options: { size: number; bold?: boolean; align?: 'left' | 'right' }): number => {
    const align = options.align ?? (rtl ? 'right' : 'left');
    if (hasArabic(text)) return drawBidiText(pdf, text, { x, y, width, align, fonts: options.bold ? BOLD : REGULAR, size: options.size, lineHeight: options.size + 5, ...(rtl ? { base: 'rtl' as const } : {}) });
    pdf.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size).text(text, x, y, { width, align });
    return pdf.y;
  };

  let y = MARGIN;
  y = put(words.title, MARGIN, y, WIDTH, { size: 18, bold: true }) + 4;
  y = put(document.number ? `N° ${document.number}` : words.draft, MARGIN, y, WIDTH, { size: 11, bold: true }) + 2;
  y = put(`${words.workOrder} : ${document.workOrderNumber}`, MARGIN, y, WIDTH, { size: 10 });
  y = put(`${words.date} : ${date(document.date)}`, MARGIN, y, WIDTH, { size: 10 }) + 10;
  y = put(`${words.customer} : ${document.customerName}`, MARGIN, y, WIDTH, { size: 10 });
  if (document.vehicle) y = put(`${words.vehicle} : ${document.vehicle}`, MARGIN, y, WIDTH, { size: 10 });
  y += 16;

  // Columns from the reading side: left to right in French and English, right to left in Arabic.
  const widths = [170, 35, 75, 40, 80, WIDTH - 400];
  const starts = widths.map((_, index) => widths.slice(0, index).reduce((sum, width) => sum + width, 0));
  const xOf = (index: number) => (rtl ? MARGIN + WIDTH - starts[index]! - widths[index]! : MARGIN + starts[index]!);
  const row = (cells: readonly string[], bold = false) => {
    let bottom = y;
    cells.forEach((cell, index) => {
      const align = index === 0 || index === 5 ? (rtl ? 'right' : 'left') : rtl ? 'left' : 'right';
      bottom = Math.max(bottom, put(cell, xOf(index), y, widths[index]! - 4, { size: 9, bold, align }));
    });
    y = bottom + 5;
    if (y > 740) {
      pdf.addPage();
      y = MARGIN;
    }
  };
  row(words.columns, true);
  for (const line of document.lines) {
    row([line.description, quantity(line.quantityMilli), formatTnd(line.unitPriceMillimes), rate(line.vatRateBp), formatTnd(lineNetMillimes(line)), words.approval[line.approval]]);
  }
  y += 10;
  const counted = estimateTotals(document.lines.filter((line) => line.approval !== 'declined'));
  const approved = estimateTotals(document.lines.filter((line) => line.approval === 'approved'));
  const total = (label: string, value: number, bold = false) => {
    const labelX = rtl ? MARGIN + WIDTH - 260 : MARGIN + WIDTH - 330;
    const valueX = rtl ? MARGIN : MARGIN + WIDTH - 110;
    const bottom = put(label, labelX, y, 250, { size: 10, bold, align: rtl ? 'right' : 'left' });
    put(formatTnd(value), valueX, y, 110, { size: 10, bold, align: rtl ? 'left' : 'right' });
    y = Math.max(bottom, y + 14) + 2;
  };
  total(words.net, counted.netMillimes);
  total(words.vat, counted.vatMillimes);
  total(words.gross, counted.grossMillimes, true);
  total(words.approved, approved.grossMillimes);
  y += 14;
  put(words.note, MARGIN, y, WIDTH, { size: 9 });
  pdf.end();
  return done;
}
