import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Our outgoing Message-IDs carry a reference (a case number, or `n` for none), a random nonce
 * and an HMAC of both: `<KN26-00042.1a2b3c4d5e6f.<20 hex>@domain>`. A reply's In-Reply-To or
 * References then names its case, and a forged id (someone guessing the shape) fails the HMAC.
 */
const SIGNED_ID = /^<?([A-Za-z0-9-]{1,40})\.([0-9a-f]{12})\.([0-9a-f]{20})@([^<>\s]+)>?$/;

export function signMessageId(secret: string, domain: string, ref: string, nonce = randomBytes(6).toString('hex')): string {
  if (!/^[A-Za-z0-9-]{1,40}$/.test(ref)) throw new Error(`message-id reference must be letters, digits or dashes: ${ref}`);
  return `<${ref}.${nonce}.${mac(secret, ref, nonce)}@${domain}>`;
}

/** The reference of one of our own signed Message-IDs, or null for anyone else's (or a forgery). */
export function verifyMessageId(secret: string, messageId: string): string | null {
  const m = SIGNED_ID.exec(messageId.trim());
  if (!m) return null;
  const [, ref, nonce, sig] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(mac(secret, ref, nonce), 'hex');
  const given = Buffer.from(sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? ref : null;
}

function mac(secret: string, ref: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${ref}.${nonce}`).digest('hex').slice(0, 20);
}

/** All message ids in a References / In-Reply-To header value, in order. */
export function parseMessageIdList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  return text.match(/<[^<>\s]+>/g) ?? [];
}

/**
 * The dedupe key of a message inside its mailbox: its Message-ID (trimmed, in angle brackets),
 * or, when the header is missing or absurdly long, a SHA-256 of sender, Date header and raw body.
 */
export function messageKeyFor(messageId: string | undefined, fallback: () => { sender: string; date: string; body: Buffer }): string {
  const id = messageId?.trim();
  if (id && id.length <= 400) return id.startsWith('<') ? id : `<${id}>`;
  if (id) return `sha256:${createHash('sha256').update(id).digest('hex')}`;
  const f = fallback();
  const hash = createHash('sha256').update(f.sender.toLowerCase()).update('\n').update(f.date).update('\n').update(f.body).digest('hex');
  return `sha256:${hash}`;
}

/** The raw body of an RFC 5322 message: everything after the first empty line. */
export function rawBody(source: Buffer): Buffer {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return source.subarray(crlf + 4);
  if (lf >= 0) return source.subarray(lf + 2);
  return Buffer.alloc(0);
}
