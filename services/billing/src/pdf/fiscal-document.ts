import PDFDocument from 'pdfkit';
import { amountInFrenchWords } from '../domain/french-words.ts';
import { formatQuantity, formatRate, formatTnd } from '../domain/money.ts';
import type { Buyer, Seller, VatBreakdownRow } from '../domain/types.ts';

/** What an invoice or a credit note prints: every mandatory mention of DOMAIN.md. */
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
}

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;

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
 * Renders with the PDF standard fonts only (Helvetica, WinAnsi): no font file is read or
 * downloaded, and French accents are in the encoding. Amounts use an ordinary space as thousands
 * separator so text extraction finds `1 234,560 TND`.
 */
export function renderFiscalDocument(document: FiscalDocument): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `${document.title} ${document.number}`, Producer: 'ECAR', Creator: 'ECAR billing' }, lang: 'fr-TN' });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const top = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(12).text(document.seller.name, MARGIN, top, { width: WIDTH / 2 });
  pdf.font('Helvetica').fontSize(9);
  pdf.text(document.seller.address, { width: WIDTH / 2 });
  pdf.text(`Matricule fiscal : ${document.seller.taxId}`, { width: WIDTH / 2 });
  pdf.text(`Registre du commerce : ${document.seller.tradeRegister}`, { width: WIDTH / 2 });
  if (document.seller.phone) pdf.text(`Tél. : ${document.seller.phone}`, { width: WIDTH / 2 });
  const sellerBottom = pdf.y;

  pdf.font('Helvetica-Bold').fontSize(16).text(document.title, MARGIN + WIDTH / 2, top, { width: WIDTH / 2, align: 'right' });
  pdf.font('Helvetica').fontSize(10).text(`N° ${document.number}`, { width: WIDTH / 2, align: 'right' });
  pdf.text(`Date : ${frenchDate(document.issueDate)}`, { width: WIDTH / 2, align: 'right' });
  for (const reference of document.references) pdf.text(reference, { width: WIDTH / 2, align: 'right' });

  pdf.y = Math.max(sellerBottom, pdf.y) + 15;
  pdf.font('Helvetica-Bold').fontSize(10).text('Client', MARGIN + WIDTH / 2, pdf.y, { width: WIDTH / 2 });
  pdf.font('Helvetica').fontSize(9);
  for (const line of buyerIdentity(document.buyer)) pdf.text(line, MARGIN + WIDTH / 2, pdf.y, { width: WIDTH / 2 });
  pdf.moveDown(1.5);

  const columns = [
    { title: 'Désignation', x: MARGIN, width: 215, align: 'left' as const },
    { title: 'Qté', x: MARGIN + 220, width: 45, align: 'right' as const },
    { title: 'P.U. HT', x: MARGIN + 270, width: 85, align: 'right' as const },
    { title: 'TVA', x: MARGIN + 360, width: 40, align: 'right' as const },
    { title: 'Montant HT', x: MARGIN + 405, width: WIDTH - 405, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let bottom = y;
    cells.forEach((cell, index) => {
      const column = columns[index]!;
      pdf.text(cell, column.x, y, { width: column.width, align: column.align });
      bottom = Math.max(bottom, pdf.y);
    });
    pdf.x = MARGIN;
    pdf.y = bottom + 4;
    if (pdf.y > 760) pdf.addPage();
  };
  row(columns.map((column) => column.title), true);
  for (const line of document.lines) {
    row([line.description, formatQuantity(line.quantityMilli), formatTnd(line.unitPriceMillimes), formatRate(line.vatRateBp), formatTnd(line.amountHtMillimes)]);
  }
  pdf.moveDown();

  const summary = (label: string, value: string, bold = false) => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    pdf.text(label, MARGIN + 200, y, { width: 200, align: 'left' });
    pdf.text(value, MARGIN + 400, y, { width: WIDTH - 400, align: 'right' });
    pdf.x = MARGIN;
  };
  pdf.font('Helvetica-Bold').fontSize(9).text('Récapitulatif TVA', MARGIN + 200, pdf.y);
  for (const bucket of document.vat) {
    summary(`Base HT à ${formatRate(bucket.rateBp)} : ${formatTnd(bucket.baseMillimes)} — TVA ${formatRate(bucket.rateBp)}`, formatTnd(bucket.vatMillimes));
  }
  pdf.moveDown(0.5);
  summary('Total HT', formatTnd(document.totalHtMillimes));
  summary('Total TVA', formatTnd(document.totalVatMillimes));
  summary(`Droit de timbre${document.stampNote ? ` (${document.stampNote})` : ''}`, formatTnd(document.stampMillimes));
  summary('Total TTC', formatTnd(document.totalTtcMillimes), true);
  pdf.moveDown(1.5);
  pdf.font('Helvetica').fontSize(9).text(`${document.wordsLead} ${amountInFrenchWords(document.totalTtcMillimes)}.`, MARGIN, pdf.y, { width: WIDTH });
  pdf.end();
  return done;
}
