import { reportLabels, type ReportLanguage, type Sheet } from './report-sheets.ts';

/** Displays `1 234,560 TND` in a French-locale spreadsheet (the value stays a number of dinars that sums). */
export const MONEY_FORMAT = '#,##0.000" TND"';
export const HOURS_FORMAT = '0.00" h"';

/**
 * One worksheet per table; amounts are numbers (dinars, 3 decimals) with the TND format, hours
 * numbers of hours, so the accountant can add them up. exceljs is loaded with the first export,
 * as PDFKit is (docs/performance/memory.md).
 */
export async function reportXlsx(sheets: readonly Sheet[], heading: string, language: ReportLanguage): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ECAR';
  workbook.created = new Date(0);
  const rtl = language === 'ar';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ rightToLeft: rtl }] });
    worksheet.addRow([`${reportLabels(language).report} — ${heading}`]).font = { bold: true };
    worksheet.addRow([sheet.title]).font = { bold: true };
    worksheet.addRow(sheet.columns).font = { bold: true };
    for (const cells of sheet.rows) {
      const row = worksheet.addRow(cells.map((cell) => ('money' in cell ? cell.money / 1000 : 'hours' in cell ? cell.hours / 1000 : 'count' in cell ? cell.count : cell.text)));
      cells.forEach((cell, index) => {
        if ('money' in cell) row.getCell(index + 1).numFmt = MONEY_FORMAT;
        if ('hours' in cell) row.getCell(index + 1).numFmt = HOURS_FORMAT;
      });
    }
    worksheet.columns.forEach((column, index) => (column.width = index === 0 ? 28 : 20));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
