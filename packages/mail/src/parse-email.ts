import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import { classifyAutomated, type MailKind } from './automated-mail';
import { htmlToPlainText, sanitizeEmailHtml } from './html';
import { messageKeyFor, parseMessageIdList, rawBody } from './message-ids';
import { stripQuotedReply } from './quoted-replies';

export interface EmailAddress {
  address: string;
  name?: string;
}

export interface ParsedAttachment {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface BounceReport {
  /** The Message-ID of the message that bounced, when the report quotes it. */
  originalMessageId?: string;
  /** Recipients the report says failed for good. */
  failedRecipients: string[];
  status?: string;
  diagnostic?: string;
}

/** A message as the poller hands it on: every string NFC, HTML sanitized, attachments hashed. */
export interface ParsedEmail {
  messageId?: string;
  /** The dedupe key within a mailbox: Message-ID, or a hash of sender, date and body. */
  messageKey: string;
  from?: EmailAddress;
  replyTo?: EmailAddress;
  to: EmailAddress[];
  subject?: string;
  date?: Date;
  inReplyTo: string[];
  references: string[];
  /** The whole text (text part preferred, otherwise the HTML converted to text). */
  text: string;
  /** The text with quoted earlier replies removed: what gets classified. */
  newText: string;
  safeHtml?: string;
  attachments: ParsedAttachment[];
  kind: MailKind;
  kindReasons: string[];
  bounce?: BounceReport;
  /** Headers worth keeping for the record (lower-case names). */
  headers: Record<string, string>;
}

export class UnparseableEmailError extends Error {
  readonly code = 'EMAIL_UNPARSEABLE';
}

const KEPT_HEADERS = [
  'auto-submitted',
  'x-autoreply',
  'x-autorespond',
  'precedence',
  'list-id',
  'list-unsubscribe',
  'x-loop',
  'x-failed-recipients',
  'content-type',
  // The topmost one (the first header line: our receiving server prepends it): readAuthenticationResults.
  'authentication-results',
];

const nfc = (s: string | undefined) => (s === undefined ? undefined : s.normalize('NFC'));

/** Parses a raw RFC 5322 message (any charset mailparser knows, windows-1258 included). */
export async function parseEmail(source: Buffer): Promise<ParsedEmail> {
  let mail;
  try {
    mail = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (err) {
    throw new UnparseableEmailError(`the message could not be parsed: ${(err as Error).message}`);
  }
  const rawHeaders = new Map<string, string>();
  for (const line of mail.headerLines ?? []) {
    const name = line.key.toLowerCase();
    if (!rawHeaders.has(name))
      rawHeaders.set(
        name,
        line.line
          .slice(line.line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      );
  }
  const from = firstAddress(mail.from);
  if (!from) throw new UnparseableEmailError('the message has no valid sender address (From)');

  const ct = mail.headers.get('content-type') as { value: string; params: Record<string, string> } | undefined;
  const { kind, reasons } = classifyAutomated({ get: (n) => rawHeaders.get(n) }, ct && typeof ct === 'object' ? ct : undefined);

  const html = typeof mail.html === 'string' && mail.html.trim() ? mail.html : undefined;
  let text = nfc(mail.text?.trim()) ?? '';
  if (!text && html) text = nfc(htmlToPlainText(html)) ?? '';
  const newText = stripQuotedReply(text) || text;

  const bounce = kind === 'bounce' ? readBounce(mail.attachments, rawHeaders, rawBody(source).toString('utf8')) : undefined;
  // A part with an empty Content-Type (`Content-Type: ; charset=utf-8`) has none in mailparser's
  // attachment: without a default the poller saw a TypeError, an infrastructure fault, and took the
  // mail again on every sync (found by parse-email.fuzz.spec.ts).
  for (const a of mail.attachments) if (typeof a.contentType !== 'string' || !a.contentType) a.contentType = 'application/octet-stream';
  const attachments: ParsedAttachment[] =
    kind === 'bounce'
      ? []
      : mail.attachments
          .filter((a) => !(a.related && a.contentType.startsWith('image/') && !a.filename)) // inline images of the HTML signature
          .map((a, i) => ({
            fileName: sanitizeFileName(nfc(a.filename) ?? `attachment-${i + 1}${extensionFor(a.contentType)}`),
            contentType: a.contentType.toLowerCase(),
            size: a.content.length,
            sha256: createHash('sha256').update(a.content).digest('hex'),
            content: a.content,
          }));

  const messageId = mail.messageId?.trim() || undefined;
  const date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : undefined;
  const messageKey = messageKeyFor(messageId, () => ({ sender: from.address, date: rawHeaders.get('date') ?? '', body: rawBody(source) }));
  const replyTo = firstAddress(mail.replyTo);
  const subject = nfc(mail.subject?.trim());
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = rawHeaders.get(name);
    if (v !== undefined) headers[name] = v.slice(0, name === 'authentication-results' ? 4000 : 500);
  }
  return withoutNulCharacters({
    ...(messageId ? { messageId } : {}),
    messageKey,
    from,
    ...(replyTo ? { replyTo } : {}),
    to: addresses(mail.to),
    ...(subject ? { subject } : {}),
    ...(date ? { date } : {}),
    inReplyTo: parseMessageIdList(mail.inReplyTo),
    references: parseMessageIdList(mail.references),
    text,
    newText,
    ...(html ? { safeHtml: sanitizeEmailHtml(nfc(html)!) } : {}),
    attachments,
    kind,
    kindReasons: reasons,
    ...(bounce ? { bounce } : {}),
    headers,
  });
}

/**
 * Every string of the parsed mail without U+0000 (attachment bytes untouched). FerretDB stores
 * documents as PostgreSQL jsonb, which cannot hold U+0000: a mail with one in a header or its
 * text failed to be stored, the poller took that for an infrastructure fault and fetched the same
 * mail again on every sync (found by the fuzz tests, issue 11).
 */
function withoutNulCharacters<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNulCharacters) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNulCharacters(v)])) as T;
  }
  return value;
}

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const list = (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value);
  const out: EmailAddress[] = [];
  for (const a of list.flatMap((x) => (x.group ? x.group : [x]))) {
    const address = a.address?.trim().toLowerCase();
    if (!address || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) continue;
    const name = nfc(a.name?.trim());
    out.push({ address, ...(name ? { name } : {}) });
  }
  return out;
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): EmailAddress | undefined {
  return addresses(value)[0];
}

function readBounce(parts: Array<{ contentType: string; content: Buffer }>, headers: Map<string, string>, body: string): BounceReport {
  // mailparser folds message/delivery-status into the text, so the report is read from the raw body.
  const status = { content: Buffer.from(body) };
  const original = parts.find((p) =>
    ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(p.contentType),
  );
  const failed = new Set<string>();
  let statusCode: string | undefined;
  let diagnostic: string | undefined;
  {
    const text = status.content.toString('utf8');
    for (const block of text.split(/\r?\n\r?\n/)) {
      const recipient = /^Final-Recipient:\s*[^;]+;\s*(\S+)/im.exec(block)?.[1];
      const action = /^Action:\s*(\S+)/im.exec(block)?.[1]?.toLowerCase();
      if (recipient && (action === 'failed' || action === undefined)) failed.add(recipient.toLowerCase());
      statusCode ??= /^Status:\s*(\S+)/im.exec(block)?.[1];
      diagnostic ??= /^Diagnostic-Code:\s*(.+)$/im.exec(block)?.[1]?.trim();
    }
  }
  for (const a of (headers.get('x-failed-recipients') ?? '').split(',')) if (a.includes('@')) failed.add(a.trim().toLowerCase());
  const originalMessageId = /^Message-ID:\s*(<[^>\s]+>)/im.exec(original ? original.content.toString('utf8') : body)?.[1];
  return {
    ...(originalMessageId ? { originalMessageId } : {}),
    failedRecipients: [...failed],
    ...(statusCode ? { status: statusCode } : {}),
    ...(diagnostic ? { diagnostic: diagnostic.slice(0, 500) } : {}),
  };
}

/** A file name safe to show and to send as Content-Disposition: no path, no control characters. */
function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  // eslint-disable-next-line no-control-regex -- removing control characters is the point of this pattern
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (clean || 'attachment').slice(0, 255);
}

function extensionFor(contentType: string): string {
  const map: Record<string, string> = { 'application/pdf': '.pdf', 'image/png': '.png', 'image/jpeg': '.jpg', 'text/plain': '.txt' };
  return map[contentType.toLowerCase()] ?? '';
}

export type { HeaderValue };
