import { foldForSearch } from '../text/search-text';
import type { CaseData } from './case-data';

/**
 * "Nothing written is sent before approval, whatever the API call": the staff email reply
 * (`correspond`) is correspondence — a question, an update — and must not be a way around the
 * supervisor's sign-off. While a written case has no approved answer, a reply is refused when
 *  - a written answer awaits sign-off (`answer_pending_approval`): the supervisor decides first,
 *    so nothing is written to the customer meanwhile; or
 *  - its text carries the answer: most of the draft's wording, or of the department's reported
 *    findings or remedy (what the answer is made of), appears in it.
 * Pure: the state machine calls it under the case's lease.
 */

/** Word 4-grams; a text shorter than that counts as one shingle of its words. */
const SHINGLE = 4;
/** Share of a source's shingles found in the reply above which the reply "is" that source. */
export const ANSWER_OVERLAP_LIMIT = 0.5;
/** Sources shorter than this many words are too generic to compare ("Đã khắc phục."). */
const MIN_WORDS = 6;

function words(text: string): string[] {
  return foldForSearch(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function shingles(w: string[]): Set<string> {
  const out = new Set<string>();
  if (w.length < SHINGLE) {
    if (w.length) out.add(w.join(' '));
    return out;
  }
  for (let i = 0; i + SHINGLE <= w.length; i++) out.add(w.slice(i, i + SHINGLE).join(' '));
  return out;
}

/** The share (0–1) of `source`'s word 4-grams that appear in `reply`. */
export function overlapShare(source: string, reply: string): number {
  const s = shingles(words(source));
  if (!s.size) return 0;
  const r = shingles(words(reply));
  let found = 0;
  for (const x of s) if (r.has(x)) found++;
  return found / s.size;
}

/**
 * Why the reply is the case's unapproved written answer, or null when it is correspondence.
 * `written`: the case needs a supervisor's sign-off for its answer.
 */
export function replyWithholdsSignOff(c: Pick<CaseData, 'status' | 'answer' | 'report'>, written: boolean, text: string): string | null {
  if (c.status === 'answered' || c.status === 'closed') return null;
  if (!written || c.answer?.approvedAt) return null;
  if (c.status === 'answer_pending_approval')
    return 'a written answer awaits a supervisor’s sign-off: nothing is written to the customer until it is approved or returned';
  const sources: Array<[string, string | undefined]> = [
    ['the drafted answer', c.answer?.text],
    ['the department’s findings', c.report?.findings],
    ['the department’s remedy', c.report?.remedy],
  ];
  for (const [what, source] of sources) {
    if (!source || words(source).length < MIN_WORDS) continue;
    const share = overlapShare(source, text);
    if (share >= ANSWER_OVERLAP_LIMIT)
      return `this reply carries ${what} (${Math.round(share * 100)}% of its wording): a written answer goes to the customer only through the answer route, after a supervisor’s sign-off`;
  }
  return null;
}
