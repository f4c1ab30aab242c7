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
