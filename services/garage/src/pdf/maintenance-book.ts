import type { MaintenanceBookDocument } from '@ecar/contracts/requests/garage-book';
import { loadArabicFont } from './fonts.ts';

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

function frenchDate(isoDate: string): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
}

const kilometres = (km: number | null) => (km === null ? '—' : `${km.toLocaleString('fr-FR').replace(/\s/g, ' ')} km`);
const quantity = (milli: number) => (milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3).replace(/0+$/, '').replace('.', ','));

/**
 * The printed maintenance book: the history (date, mileage, work done, part references), the key
 * that signed it and its signature, a QR code to the public verification page, and the signed
 * JSON embedded as a file attachment (the PDF alone is enough to verify). No owner's name, no
 * plate, no price. pdfkit and qrcode are loaded with the first book, not at start.
 */
export async function renderMaintenanceBook(document: MaintenanceBookDocument, signedJson: string, verifyUrl: string): Promise<Buffer> {
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import('pdfkit'), import('qrcode')]);
  const { book, signature } = document;
  const qr = await QRCode.toBuffer(verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `Carnet d'entretien ${book.bookId}`, Producer: 'ECAR', Creator: 'ECAR garage' }, lang: 'fr-TN' });
  pdf.registerFont('Amiri', loadArabicFont());
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.file(Buffer.from(signedJson, 'utf8'), { name: `carnet-${book.bookId}.json`, type: 'application/json', description: 'Carnet d’entretien signé (JSON)' });
  /**
   * Right-to-left text (it holds Arabic): wrapped in logical order, each line drawn word by word
   * from the right, Arabic words in Amiri (fontkit shapes them) and the others in Helvetica. A
   * simplification of UAX #9 that is exact for Arabic words separated by spaces, which is what
   * descriptions and labels hold; billing's invoices carry the full bidirectional algorithm.
   */
  const rtl = (text: string, x: number, width: number, size: number) => {
    const fontOf = (word: string) => (ARABIC.test(word) ? 'Amiri' : 'Helvetica');
    const widthOf = (word: string) => pdf.font(fontOf(word)).fontSize(size).widthOfString(word);
    const space = pdf.font('Helvetica').fontSize(size).widthOfString(' ');
    const lines: string[][] = [];
    let line: string[] = [];
    let used = 0;
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const needed = widthOf(word) + (line.length > 0 ? space : 0);
      if (line.length > 0 && used + needed > width) {
        lines.push(line);
        line = [];
        used = 0;
      }
      used += widthOf(word) + (line.length > 0 ? space : 0);
      line.push(word);
    }
    if (line.length > 0) lines.push(line);
    let y = pdf.y;
    for (const words of lines) {
      let right = x + width;
      for (const word of words) {
        const advance = widthOf(word);
        right -= advance;
        pdf.font(fontOf(word)).fontSize(size).text(word, right, y + size, { lineBreak: false, baseline: 'alphabetic' });
        right -= space;
      }
      y += size * 1.5;
    }
    pdf.x = MARGIN;
    pdf.y = y;
  };
  /** Text in Helvetica, or right to left when it holds Arabic. */
  const say = (text: string, x: number, width: number, size: number, options: { bold?: boolean; align?: 'left' | 'right' } = {}) => {
    if (ARABIC.test(text)) rtl(text, x, width, size);
    else pdf.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).text(text, x, pdf.y, { width, align: options.align ?? 'left' });
  };

  const top = pdf.y;
  say(book.garage.name, MARGIN, WIDTH / 2, 12, { bold: true });
  const leftBottom = pdf.y;
  pdf.y = top;
  say("CARNET D'ENTRETIEN", MARGIN + WIDTH / 2, WIDTH / 2, 16, { bold: true, align: 'right' });
  say('دفتر الصيانة', MARGIN + WIDTH / 2, WIDTH / 2, 14);
  pdf.font('Helvetica').fontSize(9).text(`Établi le ${frenchDate(book.issuedAt)} — N° ${book.bookId}`, MARGIN + WIDTH / 2, pdf.y, { width: WIDTH / 2, align: 'right' });
  pdf.y = Math.max(leftBottom, pdf.y) + 12;

  const vehicle = book.vehicle;
  pdf.font('Helvetica-Bold').fontSize(11).text(`${vehicle.make} ${vehicle.model} (${vehicle.year})`, MARGIN, pdf.y, { width: WIDTH });
  pdf.font('Helvetica').fontSize(10).text(`VIN : ${vehicle.vin ?? 'non renseigné'}`, { width: WIDTH });
  pdf.moveDown(1);

  const columns = { date: MARGIN, km: MARGIN + 70, work: MARGIN + 150 };
  const workWidth = WIDTH - 150;
  const header = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(9).text('Date', columns.date, header, { width: 65 });
  pdf.text('Kilométrage', columns.km, header, { width: 75 });
  pdf.text('Travaux effectués', columns.work, header, { width: workWidth });
  pdf.moveTo(MARGIN, pdf.y + 2).lineTo(MARGIN + WIDTH, pdf.y + 2).stroke();
  pdf.y += 6;
  if (book.entries.length === 0) pdf.font('Helvetica').fontSize(9).text('Aucune intervention terminée.', MARGIN, pdf.y, { width: WIDTH });
  for (const entry of book.entries) {
    if (pdf.y > 720) pdf.addPage();
    const y = pdf.y;
    pdf.font('Helvetica').fontSize(9).text(frenchDate(entry.completedOn), columns.date, y, { width: 65 });
    pdf.text(kilometres(entry.mileageKm), columns.km, y, { width: 75 });
    pdf.y = y;
    if (entry.work.length === 0) say('—', columns.work, workWidth, 9);
    for (const item of entry.work) {
      const reference = item.partReference ? ` — réf. ${item.partReference}` : '';
      const amount = item.kind === 'part' ? `${quantity(item.quantityMilli)} × ` : '';
      if (ARABIC.test(item.description)) {
        say(item.description, columns.work, workWidth, 9);
        if (reference || amount) say(`${amount}${reference.replace(/^ — /, '')}`, columns.work, workWidth, 8);
      } else {
        say(`${amount}${item.description}${reference}`, columns.work, workWidth, 9);
      }
    }
    pdf.y = Math.max(pdf.y, y + 12) + 6;
    pdf.x = MARGIN;
  }

  pdf.moveDown(1.5);
  if (pdf.y > 660) pdf.addPage();
  const footer = pdf.y;
  pdf.image(qr, MARGIN, footer, { width: 90, height: 90 });
  const textX = MARGIN + 105;
  const textWidth = WIDTH - 105;
  pdf.font('Helvetica-Bold').fontSize(9).text('Vérifier ce carnet', textX, footer, { width: textWidth });
  pdf.font('Helvetica').fontSize(8).text(`Scannez le code ou ouvrez ${verifyUrl}. La page dit si la signature est valide, quelle clé a signé et si l’historique correspond toujours aux dossiers du garage.`, { width: textWidth });
  pdf.y += 2;
  say('امسح الرمز للتحقق من صحة هذا الدفتر', textX, textWidth, 9);
  pdf.font('Helvetica').fontSize(7).text(`Signature ${signature.alg}, clé ${signature.kid} : ${signature.value}`, textX, pdf.y + 2, { width: textWidth });
  pdf.end();
  return done;
}
