import libmime from 'libmime';

/**
 * A header value as a person reads it: RFC 2047 encoded words decoded (any charset mailparser
 * knows, windows-1258 included), adjacent words joined, NFC. For headers fetched without the
 * body (IMAP FETCH of headers only), which do not go through `parseEmail`.
 */
export function decodeHeaderValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return libmime.decodeWords(raw).normalize('NFC');
  } catch {
    return raw.normalize('NFC');
  }
}
