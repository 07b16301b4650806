/**
 * One CSV record as `certutil -view csv` writes it: every field in double quotes, a quote inside doubled
 * (RFC 4180); a value with a line break stays inside its quotes.
 */
export function csvRecord(fields: readonly string[]): string {
  return fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(',');
}
