/**
 * The one CSV writer of the dashboard's exports (scopes, leaderboards, stalled, teams, alerts).
 *
 * RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled; CRLF line ends.
 *
 * Formula injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-`
 * or `@` (or a tab or carriage return before one) as a formula, and product names, owner teams, silence
 * comments and authors come from whoever emits events or writes to the alerter. Such a text cell gets a
 * leading single quote and is quoted, so it opens as the text it is. Numbers (scores, trends, which may
 * be negative) are written as numbers: only text is neutralised.
 */

/** First characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) return `"'${text.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `rows` as CSV text with a header line of `columns`, each row's cells in that order. */
export function toCsv<T>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
