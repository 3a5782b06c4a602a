import { drawBidiText, type FontPair } from '../pdf/bidi-text.ts';
import { registerArabicFonts } from '../pdf/fonts.ts';
import { cellText, reportLabels, type ReportLanguage, type Sheet } from './report-sheets.ts';

const REGULAR: FontPair = { arabic: 'Amiri', latin: 'Helvetica' };
const BOLD: FontPair = { arabic: 'Amiri-Bold', latin: 'Helvetica-Bold' };
const MARGIN = 40;
const PAGE_HEIGHT = 841.89;
const WIDTH = 595.28 - 2 * MARGIN;

/**
 * The printable report: every table on A4, French and English in Helvetica, Arabic in the
 * embedded Amiri (shaped, in display order, tables right to left), as the invoices are. PDFKit
 * is loaded with the first PDF, not at start.
 */
export async function reportPdf(sheets: readonly Sheet[], heading: string, language: ReportLanguage): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const title = `${reportLabels(language).report} — ${heading}`;
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title, Producer: 'ECAR', Creator: 'ECAR billing' }, lang: language === 'ar' ? 'ar-TN' : language === 'en' ? 'en' : 'fr-TN' });
  await registerArabicFonts(pdf);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const rtl = language === 'ar';
  const align = rtl ? 'right' : 'left';
  const ensureRoom = (height: number) => {
    if (pdf.y + height > PAGE_HEIGHT - MARGIN) pdf.addPage();
  };
  pdf.y = drawBidiText(pdf, title, { x: MARGIN, y: pdf.y, width: WIDTH, align, fonts: BOLD, size: 14, lineHeight: 22, base: rtl ? 'rtl' : 'ltr' });
  for (const sheet of sheets) {
    pdf.y += 10;
    ensureRoom(60);
    pdf.y = drawBidiText(pdf, sheet.title, { x: MARGIN, y: pdf.y, width: WIDTH, align, fonts: BOLD, size: 11, lineHeight: 17, base: rtl ? 'rtl' : 'ltr' });
    const width = sheet.columns.length > 0 ? WIDTH / Math.max(...[sheet.columns.length, ...sheet.rows.map((row) => row.length)]) : WIDTH;
    const drawRow = (cells: readonly string[], bold: boolean) => {
      ensureRoom(16);
      const y = pdf.y;
      let bottom = y;
      cells.forEach((cell, index) => {
        const x = rtl ? MARGIN + WIDTH - (index + 1) * width : MARGIN + index * width;
        const numeric = /\d/.test(cell) && !/[A-Za-z\u0600-\u06FF]{3,}/.test(cell.replace(/TND|h$/g, ''));
        const cellAlign = numeric && index > 0 ? (rtl ? 'left' : 'right') : align;
        bottom = Math.max(bottom, drawBidiText(pdf, cell, { x: x + 2, y, width: width - 4, align: cellAlign, fonts: bold ? BOLD : REGULAR, size: 8, lineHeight: 12 }));
      });
      pdf.y = bottom + 2;
    };
    drawRow(sheet.columns, true);
    pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + WIDTH, pdf.y).lineWidth(0.5).stroke();
    pdf.y += 2;
    for (const row of sheet.rows) drawRow(row.map(cellText), false);
  }
  pdf.end();
  return done;
}
