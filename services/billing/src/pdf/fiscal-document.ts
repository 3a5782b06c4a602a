import { amountInArabicWords } from '../domain/arabic-words.ts';
import { amountInFrenchWords } from '../domain/french-words.ts';
import { formatQuantity, formatRate, formatTnd } from '../domain/money.ts';
import type { Buyer, Seller, VatBreakdownRow } from '../domain/types.ts';
import { drawBidiText, hasArabic, type FontPair } from './bidi-text.ts';
import { registerArabicFonts } from './fonts.ts';

/** What an invoice or a credit note prints: every mandatory mention of DOMAIN.md, in French and Arabic. */
export interface FiscalDocument {
  title: 'FACTURE' | "FACTURE D'AVOIR";
  number: string;
  issueDate: string;
  /** Lines under the header: the corrected invoice, the work order, the vehicle. */
  references: string[];
  seller: Seller;
  buyer: Buyer;
  lines: Array<{ description: string; quantityMilli: number; unitPriceMillimes: number; vatRateBp: number; amountHtMillimes: number }>;
  vat: VatBreakdownRow[];
  totalHtMillimes: number;
  totalVatMillimes: number;
  stampMillimes: number;
  /** Said next to the stamp line when it is zero (exemption, partial credit note). */
  stampNote?: string;
  totalTtcMillimes: number;
  wordsLead: string;
  wordsLeadArabic: string;
  /** Once El Fatoora accepted the document: TTN's reference and the content of its QR code. */
  ttn?: { reference: string; qr: string };
}

/**
 * Amiri (Debian's fonts-hosny-amiri, SIL Open Font License), embedded as a subset: an Arabic
 * naskh with the OpenType tables fontkit needs for shaping. The billing image installs the
 * package (infra/docker/Dockerfile.node); the service refuses to render without it.
 */
const REGULAR: FontPair = { arabic: 'Amiri', latin: 'Helvetica' };
const BOLD: FontPair = { arabic: 'Amiri-Bold', latin: 'Helvetica-Bold' };

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;

const ARABIC_TITLES: Record<FiscalDocument['title'], string> = { FACTURE: 'فاتورة', "FACTURE D'AVOIR": 'فاتورة تعديلية' };

/** Arabic-first when the buyer writes Arabic: an explicit choice, or a name in Arabic script. */
export function buyerLanguage(buyer: Buyer): 'fr' | 'ar' {
  return buyer.language ?? (hasArabic(buyer.name) ? 'ar' : 'fr');
}

function frenchDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

function buyerIdentity(buyer: Buyer): string[] {
  const lines = [buyer.name];
  if (buyer.address) lines.push(buyer.address);
  if (buyer.taxId) lines.push(`Matricule fiscal : ${buyer.taxId}`);
  if (buyer.cin) lines.push(`CIN : ${buyer.cin}`);
  if (buyer.stampExempt) lines.push('Exonéré du droit de timbre');
  return lines;
}

/**
 * Renders with Helvetica for French (PDF standard font, WinAnsi: accents in the encoding) and the
 * embedded Amiri for Arabic, shaped by fontkit and put in display order by the Unicode
 * bidirectional algorithm (bidi-text.ts). The buyer's language chooses which language comes first
 * in the title and the amount in words. Amounts use an ordinary space as thousands separator so
 * text extraction finds `1 234,560 TND`.
 */
export async function renderFiscalDocument(document: FiscalDocument): Promise<Buffer> {
  // Loaded with the first PDF, not at start: together about 20 MB resident (docs/performance/memory.md).
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import('pdfkit'), import('qrcode')]);
  const qr = document.ttn ? await QRCode.toBuffer(document.ttn.qr, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 }) : undefined;
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `${document.title} ${document.number}`, Producer: 'ECAR', Creator: 'ECAR billing' }, lang: 'fr-TN' });
  await registerArabicFonts(pdf);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const arabicFirst = buyerLanguage(document.buyer) === 'ar';
  /** A line that may hold Arabic: through the bidi drawer; plain French through PDFKit as before. */
  const mixed = (text: string, x: number, width: number, options: { size: number; bold?: boolean; align?: 'left' | 'right' }) => {
    if (!hasArabic(text)) {
      pdf.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size).text(text, x, pdf.y, { width, align: options.align ?? 'left' });
      return;
    }
    pdf.y = drawBidiText(pdf, text, { x, y: pdf.y, width, align: options.align ?? 'right', fonts: options.bold ? BOLD : REGULAR, size: options.size });
    pdf.x = MARGIN;
  };

  const top = pdf.y;
  mixed(document.seller.name, MARGIN, WIDTH / 2, { size: 12, bold: true, align: 'left' });
  pdf.font('Helvetica').fontSize(9);
  mixed(document.seller.address, MARGIN, WIDTH / 2, { size: 9, align: 'left' });
  pdf.font('Helvetica').fontSize(9).text(`Matricule fiscal : ${document.seller.taxId}`, MARGIN, pdf.y, { width: WIDTH / 2 });
  pdf.text(`Registre du commerce : ${document.seller.tradeRegister}`, { width: WIDTH / 2 });
  if (document.seller.phone) pdf.text(`Tél. : ${document.seller.phone}`, { width: WIDTH / 2 });
  const sellerBottom = pdf.y;

  const right = MARGIN + WIDTH / 2;
  pdf.y = top;
  const frenchTitle = () => pdf.font('Helvetica-Bold').fontSize(16).text(document.title, right, pdf.y, { width: WIDTH / 2, align: 'right' });
  const arabicTitle = () => (pdf.y = drawBidiText(pdf, ARABIC_TITLES[document.title], { x: right, y: pdf.y, width: WIDTH / 2, align: 'right', fonts: BOLD, size: 16, lineHeight: 22 }));
  if (arabicFirst) {
    arabicTitle();
    frenchTitle();
  } else {
    frenchTitle();
    arabicTitle();
  }
  pdf.font('Helvetica').fontSize(10).text(`N° ${document.number}`, right, pdf.y, { width: WIDTH / 2, align: 'right' });
  pdf.text(`Date : ${frenchDate(document.issueDate)}`, { width: WIDTH / 2, align: 'right' });
  pdf.y = drawBidiText(pdf, `التاريخ : ${frenchDate(document.issueDate)}`, { x: right, y: pdf.y, width: WIDTH / 2, align: 'right', fonts: REGULAR, size: 10 });
  pdf.font('Helvetica').fontSize(10);
  for (const reference of document.references) mixed(reference, right, WIDTH / 2, { size: 10, align: 'right' });

  pdf.y = Math.max(sellerBottom, pdf.y) + 15;
  const clientTop = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(10).text('Client', right, clientTop, { width: WIDTH / 2 });
  drawBidiText(pdf, 'الحريف', { x: right, y: clientTop, width: WIDTH / 2, align: 'right', fonts: BOLD, size: 10 });
  pdf.y = clientTop + 16;
  for (const line of buyerIdentity(document.buyer)) mixed(line, right, WIDTH / 2, { size: 9, align: hasArabic(line) ? 'right' : 'left' });
  pdf.moveDown(1.5);

  const columns = [
    { title: 'Désignation', arabic: 'البيان', x: MARGIN, width: 215, align: 'left' as const },
    { title: 'Qté', arabic: 'الكمية', x: MARGIN + 220, width: 45, align: 'right' as const },
    { title: 'P.U. HT', arabic: 'سعر الوحدة', x: MARGIN + 270, width: 85, align: 'right' as const },
    { title: 'TVA', arabic: 'الأداء', x: MARGIN + 360, width: 40, align: 'right' as const },
    { title: 'Montant HT', arabic: 'المبلغ دون أداء', x: MARGIN + 405, width: WIDTH - 405, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    const y = pdf.y;
    let bottom = y;
    cells.forEach((cell, index) => {
      const column = columns[index]!;
      pdf.y = y;
      if (hasArabic(cell)) {
        bottom = Math.max(bottom, drawBidiText(pdf, cell, { x: column.x, y, width: column.width, align: 'right', fonts: bold ? BOLD : REGULAR, size: 9, lineHeight: 13 }));
      } else {
        pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).text(cell, column.x, y, { width: column.width, align: column.align });
        bottom = Math.max(bottom, pdf.y);
      }
    });
    pdf.x = MARGIN;
    pdf.y = bottom + 4;
    if (pdf.y > 740) pdf.addPage();
  };
  row(columns.map((column) => column.title), true);
  pdf.y -= 4;
  row(columns.map((column) => column.arabic), true);
  for (const line of document.lines) {
    row([line.description, formatQuantity(line.quantityMilli), formatTnd(line.unitPriceMillimes), formatRate(line.vatRateBp), formatTnd(line.amountHtMillimes)]);
  }
  pdf.moveDown();

  /** A totals row: the Arabic label right-aligned left of the French one, the amount at the right. */
  const summary = (label: string, arabic: string | undefined, value: string, bold = false) => {
    const y = pdf.y;
    if (arabic) drawBidiText(pdf, arabic, { x: MARGIN, y: y - 2, width: 190, align: 'right', fonts: bold ? BOLD : REGULAR, size: 9 });
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    pdf.text(label, MARGIN + 200, y, { width: 195, align: 'left' });
    const labelBottom = pdf.y;
    pdf.text(value, MARGIN + 400, y, { width: WIDTH - 400, align: 'right' });
    pdf.x = MARGIN;
    // A long label (the stamp's note) wraps: the next row starts below it.
    pdf.y = Math.max(pdf.y, labelBottom + 2, y + 13);
  };
  const vatTitleY = pdf.y;
  drawBidiText(pdf, 'ملخص الأداء على القيمة المضافة', { x: MARGIN, y: vatTitleY - 2, width: 190, align: 'right', fonts: BOLD, size: 9 });
  pdf.font('Helvetica-Bold').fontSize(9).text('Récapitulatif TVA', MARGIN + 200, vatTitleY);
  for (const bucket of document.vat) {
    const rate = formatRate(bucket.rateBp);
    summary(`Base HT à ${rate} : ${formatTnd(bucket.baseMillimes)} — TVA ${rate}`, `الأداء على القيمة المضافة ${rate.replace(' ', '')}`, formatTnd(bucket.vatMillimes));
  }
  pdf.moveDown(0.5);
  summary('Total HT', 'المجموع دون اعتبار الأداء', formatTnd(document.totalHtMillimes));
  summary('Total TVA', 'مجموع الأداء على القيمة المضافة', formatTnd(document.totalVatMillimes));
  summary(`Droit de timbre${document.stampNote ? ` (${document.stampNote})` : ''}`, 'معلوم الطابع الجبائي', formatTnd(document.stampMillimes));
  summary('Total TTC', 'المجموع باعتبار كل الأداءات', formatTnd(document.totalTtcMillimes), true);
  pdf.moveDown(1.5);

  const frenchWords = () => {
    pdf.font('Helvetica').fontSize(9).text(`${document.wordsLead} ${amountInFrenchWords(document.totalTtcMillimes)}.`, MARGIN, pdf.y, { width: WIDTH });
    pdf.moveDown(0.5);
  };
  const arabicWords = () => {
    pdf.y = drawBidiText(pdf, `${document.wordsLeadArabic} ${amountInArabicWords(document.totalTtcMillimes)}`, { x: MARGIN, y: pdf.y, width: WIDTH, align: 'right', fonts: REGULAR, size: 11 });
    pdf.x = MARGIN;
    pdf.moveDown(0.5);
  };
  if (arabicFirst) {
    arabicWords();
    frenchWords();
  } else {
    frenchWords();
    arabicWords();
  }

  if (document.ttn && qr) {
    pdf.moveDown(1);
    if (pdf.y > 700) pdf.addPage();
    const y = pdf.y;
    pdf.image(qr, MARGIN, y, { width: 80, height: 80 });
    pdf.font('Helvetica').fontSize(9).text(`Référence TTN (El Fatoora) : ${document.ttn.reference}`, MARGIN + 95, y + 20, { width: WIDTH - 95 });
    drawBidiText(pdf, `مرجع المنصة الوطنية للفوترة الإلكترونية : ${document.ttn.reference}`, { x: MARGIN + 95, y: y + 36, width: WIDTH - 95, align: 'left', base: 'rtl', fonts: REGULAR, size: 9 });
    pdf.y = y + 90;
  }
  pdf.end();
  return done;
}
