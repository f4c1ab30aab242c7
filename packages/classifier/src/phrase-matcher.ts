/**
 * Whole-token phrase matching in one pass over the tokens: phrases are
 * indexed by their first token, so the cost grows with the text, not with
 * the number of phrases.
 */
export interface Phrase<T> {
  /** Folded phrase, tokens separated by single spaces. */
  phrase: string;
  value: T;
}

interface Entry<T> {
  tokens: string[];
  phrase: string;
  value: T;
}

export class PhraseMatcher<T> {
  private readonly byFirst = new Map<string, Entry<T>[]>();
  readonly size: number;

  constructor(phrases: readonly Phrase<T>[]) {
    let size = 0;
    for (const { phrase, value } of phrases) {
      const tokens = phrase.split(' ').filter((t) => t !== '');
      const first = tokens[0];
      if (first === undefined) continue;
      const list = this.byFirst.get(first) ?? [];
      list.push({ tokens, phrase: tokens.join(' '), value });
      this.byFirst.set(first, list);
      size++;
    }
    this.size = size;
  }

  /** Every phrase occurring in the tokens, each reported once, in order of first occurrence. */
  findAll(tokens: readonly string[]): Phrase<T>[] {
    const found: Phrase<T>[] = [];
    let seen: Set<Entry<T>> | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const candidates = this.byFirst.get(tokens[i] as string);
      if (candidates === undefined) continue;
      for (const entry of candidates) {
        const t = entry.tokens;
        if (i + t.length > tokens.length) continue;
        let j = 1;
        while (j < t.length && tokens[i + j] === t[j]) j++;
        if (j < t.length) continue;
        seen ??= new Set();
        if (seen.has(entry)) continue;
        seen.add(entry);
        found.push({ phrase: entry.phrase, value: entry.value });
      }
    }
    return found;
  }
}
