/**
 * Case numbers are short enough to read aloud on the phone: a prefix, the two-digit year,
 * a dash and a per-year sequence of at least five digits, e.g. `KN26-00042` (KN = khiếu nại).
 */
export const CASE_NUMBER_PATTERN = /^[A-Z]{1,4}\d{2}-\d{5,}$/;

export function formatCaseNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}${String(year % 100).padStart(2, '0')}-${String(sequence).padStart(5, '0')}`;
}
