import { cellText, reportLabels, type ReportLanguage, type Sheet } from './report-sheets.ts';

/**
 * One CSV file holding every table one after another (a title line, a header line, the rows, a
 * blank line): `;` separated with a UTF-8 byte order mark, as a French-locale spreadsheet opens
 * it; amounts as printed on invoices (`1 234,560 TND`). A cell starting with = + - @ (a negative
 * amount) is prefixed with `'` so no spreadsheet takes it for a formula (OWASP, CSV injection).
 */
export function reportCsv(sheets: readonly Sheet[], heading: string, language: ReportLanguage): string {
  const quote = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const line = (cells: readonly string[]) => cells.map(quote).join(';');
  const lines = [line([reportLabels(language).report, heading]), ''];
  for (const sheet of sheets) {
    lines.push(line([sheet.title]), line(sheet.columns));
    for (const row of sheet.rows) lines.push(line(row.map(cellText)));
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}
