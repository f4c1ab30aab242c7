import { CASE_NUMBER_PATTERN } from '@cg/contracts';

const IN_TEXT = /\b([A-Za-z]{1,4}\d{2}-\d{5,})\b/g;

/** Case numbers quoted in a subject line (e.g. `Re: [KN26-00042] …`), upper-cased, in order. */
export function caseNumbersInSubject(subject: string | undefined): string[] {
  if (!subject) return [];
  const found = [...subject.matchAll(IN_TEXT)].map((m) => m[1]!.toUpperCase());
  return [...new Set(found.filter((n) => CASE_NUMBER_PATTERN.test(n)))];
}

/** `[KN26-00042] subject`, without piling up Re:/Fwd: prefixes or a second copy of the number. */
export function subjectWithCaseNumber(caseNumber: string, subject: string | undefined, prefix = ''): string {
  let s = (subject ?? '').trim();
  s = s.replace(/^((re|fwd?|tr|aw|sv|vs)\s*:\s*)+/i, '');
  s = s.replace(new RegExp(`\\[?${caseNumber}\\]?\\s*`, 'gi'), '').trim();
  return `${prefix}[${caseNumber}]${s ? ` ${s}` : ''}`.slice(0, 500);
}
