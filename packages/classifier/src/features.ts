/**
 * Feature extraction for the naive Bayes model. Works on the folded,
 * abbreviation-expanded tokens so that a text typed with or without
 * diacritics yields exactly the same features.
 *
 * Three families, each its own multinomial in the model:
 *  - `w:` syllable / word unigrams,
 *  - `b:` syllable bigrams (Vietnamese words are mostly two syllables:
 *         "ten mien", "hoa don", "chung chi"),
 *  - `c:` character n-grams (default 3–5) over the folded text, which make
 *         the model tolerant of typos and of words glued together ("tenmien").
 */

export type FeatureFamily = 'word' | 'bigram' | 'char';

export interface FeatureOptions {
  /** Character n-gram lengths, inclusive. */
  charNgramMin: number;
  charNgramMax: number;
  /** Use syllable bigrams. */
  bigrams: boolean;
  /** Relative weight of each family's log-likelihood in the score. */
  familyWeights: Record<FeatureFamily, number>;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  charNgramMin: 3,
  charNgramMax: 5,
  bigrams: true,
  familyWeights: { word: 1, bigram: 1, char: 0.25 },
};

export const FAMILIES: readonly FeatureFamily[] = ['word', 'bigram', 'char'];

export function familyOf(feature: string): FeatureFamily {
  switch (feature.charCodeAt(0)) {
    case 119: // w
      return 'word';
    case 98: // b
      return 'bigram';
    default:
      return 'char';
  }
}

/**
 * Calls `visit` for every feature occurrence of a tokenised text (a feature
 * may be visited more than once; callers dedupe).
 */
export function forEachFeature(tokens: readonly string[], options: FeatureOptions, visit: (feature: string) => void): void {
  const n = tokens.length;
  if (n === 0) return;
  for (let i = 0; i < n; i++) {
    const token = tokens[i] as string;
    visit('w:' + token);
    if (options.bigrams && i + 1 < n) visit('b:' + token + '_' + (tokens[i + 1] as string));
  }
  if (options.charNgramMax >= options.charNgramMin && options.charNgramMin > 0) {
    const text = ' ' + tokens.join(' ') + ' ';
    const len = text.length;
    for (let g = options.charNgramMin; g <= options.charNgramMax; g++) {
      for (let i = 0; i + g <= len; i++) {
        if (hasTwoLetters(text, i, g)) visit('c:' + text.slice(i, i + g));
      }
    }
  }
}

/**
 * Distinct features of a tokenised text (presence, not counts: short
 * complaints repeat words for emphasis, not for meaning).
 */
export function extractFeatures(tokens: readonly string[], options: FeatureOptions = DEFAULT_FEATURE_OPTIONS): Set<string> {
  const features = new Set<string>();
  forEachFeature(tokens, options, (f) => features.add(f));
  return features;
}

/** Whether text[i, i+n) holds at least two non-space characters (n-grams like " a " carry nothing). */
export function hasTwoLetters(text: string, i: number, n: number): boolean {
  let letters = 0;
  for (let j = i; j < i + n; j++) {
    if (text.charCodeAt(j) !== 32 && ++letters === 2) return true;
  }
  return false;
}
