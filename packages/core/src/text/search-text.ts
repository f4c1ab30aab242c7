/**
 * Folded text for substring search: NFD, combining marks (U+0300–U+036F) removed, đ→d,
 * lowercase, whitespace collapsed. "Tên miền" and "ten mien" fold to the same string.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Everything a staff search may hit, folded into one string stored on the case. */
export function buildSearchText(parts: Array<string | undefined>): string {
  return foldForSearch(parts.filter(Boolean).join(' \n '));
}

/** Longest word kept as a search term; longer runs (hashes, base64) are noise. */
const MAX_TERM_LENGTH = 40;

/**
 * The distinct folded words of a text, for the cases' inverted index (`searchTerms`), looked up
 * by equality so the database never scans every case's text: "Trần Thị Bích" → tran, thi, bich.
 * Words are runs of letters and digits after folding; an email address gives its parts.
 */
export function searchTermsOf(text: string): string[] {
  const terms = new Set<string>();
  for (const word of foldForSearch(text).split(/[^\p{L}\p{N}]+/u)) {
    if (word && word.length <= MAX_TERM_LENGTH) terms.add(word);
  }
  return [...terms];
}
