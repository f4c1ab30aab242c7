/**
 * CSV for spreadsheets (RFC 4180, CRLF, UTF-8 with a BOM so Excel reads Vietnamese text): every
 * cell quoted, quotes doubled, and a cell a spreadsheet would run as a formula (= + - @ tab CR)
 * defused with a leading apostrophe — the same rules as the journal's CSV export
 * (routes/case-actions.routes.ts). Numbers are written as digits, never defused (a negative
 * number is data here, and a report's numbers are never negative).
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
