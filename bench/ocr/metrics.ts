/** Edit distance between two sequences (two rows, O(n·m) time, O(m) memory). */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** NFC, one space between words, no empty lines: layout differences are not recognition errors. */
export function normalise(text: string): string {
  return text
    .normalize('NFC')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

export function errorRates(
  truth: string,
  read: string,
): { cer: number; wer: number; chars: number; words: number; charErrors: number; wordErrors: number } {
  const t = normalise(truth);
  const r = normalise(read);
  const tc = [...t];
  const rc = [...r];
  const tw = t.split(/\s+/).filter(Boolean);
  const rw = r.split(/\s+/).filter(Boolean);
  const charErrors = levenshtein(tc, rc);
  const wordErrors = levenshtein(tw, rw);
  return { cer: charErrors / tc.length, wer: wordErrors / tw.length, chars: tc.length, words: tw.length, charErrors, wordErrors };
}
