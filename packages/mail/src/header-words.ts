import libmime from 'libmime';

/** U+0000 removed: FerretDB (PostgreSQL jsonb) cannot store it, and a header value never needs it. */
const withoutNul = (s: string) => s.replaceAll('\u0000', '');

/**
 * A header value as a person reads it: RFC 2047 encoded words decoded (any charset mailparser
 * knows, windows-1258 included), adjacent words joined, NFC. For headers fetched without the
 * body (IMAP FETCH of headers only), which do not go through `parseEmail`. Without U+0000.
 */
export function decodeHeaderValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return withoutNul(libmime.decodeWords(raw).normalize('NFC'));
  } catch {
    return withoutNul(raw.normalize('NFC'));
  }
}
