/**
 * File types a visitor may attach, recognised by their first bytes (never by the name or the
 * declared Content-Type). Anything else is refused.
 */
export interface DetectedType {
  contentType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'application/pdf';
  extension: string;
}

const startsWith = (buf: Uint8Array, bytes: number[], offset = 0): boolean =>
  buf.length >= offset + bytes.length && bytes.every((b, i) => buf[offset + i] === b);

export function detectAttachmentType(buf: Uint8Array): DetectedType | null {
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: 'image/png', extension: 'png' };
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(buf, [0x47, 0x49, 0x46, 0x38]) && (buf[4] === 0x37 || buf[4] === 0x39) && buf[5] === 0x61) {
    return { contentType: 'image/gif', extension: 'gif' };
  }
  if (startsWith(buf, [0x52, 0x49, 0x46, 0x46]) && startsWith(buf, [0x57, 0x45, 0x42, 0x50], 8))
    return { contentType: 'image/webp', extension: 'webp' };
  // %PDF- at offset 0 only: readers accept junk before it, so anything else (an HTML page with
  // %PDF- in a comment, a polyglot) would pass as a PDF (issue 11; found by magic-bytes.fuzz.spec.ts).
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { contentType: 'application/pdf', extension: 'pdf' };
  return null;
}

/** Spellings of a detected type's extension a kept file name may end with (others get the detected one appended). */
const EXTENSION_SPELLINGS: Record<string, readonly string[]> = { jpg: ['jpg', 'jpeg'], txt: ['txt', 'log', 'csv'] };

/**
 * A file name safe to store and show: no path, no control characters, bounded length, and ending
 * with the extension of the type detected from the content (`ext`), so a download never opens
 * as something else: `invoice.exe` holding a PDF is kept as `invoice.exe.pdf`.
 */
export function safeFileName(raw: string | undefined, ext: string): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';

  const cleaned = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point of this pattern
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .trim();
  if (!cleaned) return `attachment.${ext}`;
  const dot = /\.([^.]+)$/.exec(cleaned);
  const kept = dot && (EXTENSION_SPELLINGS[ext] ?? [ext]).includes(dot[1]!.toLowerCase());
  const [stem, suffix] = kept ? [cleaned.slice(0, dot.index), dot[0]] : [cleaned, `.${ext}`];
  return `${firstCodeUnits(stem, 200 - suffix.length)}${suffix}`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** At most `n` UTF-16 code units, never half of a surrogate pair (a lone one is not storable text). */
function firstCodeUnits(s: string, n: number): string {
  const cut = s.slice(0, n);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
