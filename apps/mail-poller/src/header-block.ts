/** The first value of each header in a raw header block (names lower-cased, folded lines joined). */
export function parseHeaderBlock(raw: Buffer | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw) return out;
  const text = raw.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(i + 1).trim());
  }
  return out;
}
