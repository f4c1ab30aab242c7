/**
 * Breaks text into lines no wider than `maxWidth`, measured by `measure` (the font's width at a
 * size). Newlines end a line; runs of spaces collapse; a word wider than a whole line is cut
 * between characters (URLs, long domain names). Empty lines are kept (paragraph breaks).
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const rawLine of text.split('\n')) {
    const words = rawLine.split(/ +/).filter((w) => w.length > 0);
    if (words.length === 0) {
      lines.push('');
      continue;
    }
    let current = '';
    for (const word of words) {
      const candidate = current ? `${current} ${word}` : word;
      if (measure(candidate) <= maxWidth) {
        current = candidate;
        continue;
      }
      if (current) lines.push(current);
      if (measure(word) <= maxWidth) {
        current = word;
        continue;
      }
      // Too long for one line on its own: cut it by characters (code points, never inside a pair).
      let piece = '';
      for (const ch of Array.from(word)) {
        if (piece && measure(piece + ch) > maxWidth) {
          lines.push(piece);
          piece = '';
        }
        piece += ch;
      }
      current = piece;
    }
    lines.push(current);
  }
  return lines;
}
