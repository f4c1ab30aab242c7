import { randomUUID } from 'node:crypto';
import iconv from 'iconv-lite';

const crlf = (lines: string[]) => lines.join('\r\n');
const b64 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s) : s).toString('base64');
export const encodedWord = (s: string) => `=?UTF-8?B?${b64(s)}?=`;

export interface MailOptions {
  from?: string;
  fromName?: string;
  to?: string;
  subject?: string;
  text?: string;
  html?: string;
  messageId?: string | null;
  date?: string;
  inReplyTo?: string;
  references?: string;
  headers?: string[];
  attachments?: Array<{ fileName: string; contentType: string; content: Buffer }>;
}

export function newMessageId(): string {
  return `<${randomUUID()}@customer.example>`;
}

/** A MIME message as a mail client would write it (UTF-8, base64 parts). */
export function buildMail(o: MailOptions = {}): string {
  const from = o.from ?? 'an.nguyen@customer.example';
  const head = [
    `From: ${o.fromName ? `${encodedWord(o.fromName)} ` : ''}<${from}>`,
    `To: ${o.to ?? 'support@tenten.test'}`,
    `Subject: ${encodedWord(o.subject ?? 'Tên miền không truy cập được')}`,
    `Date: ${o.date ?? new Date().toUTCString()}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? newMessageId()}`]),
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references}`] : []),
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
  ];
  const text = o.text ?? 'Tên miền anvan.vn của tôi không truy cập được từ sáng nay, xin kiểm tra giúp.';
  const parts: string[][] = [];
  if (o.html) parts.push(['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(o.html)]);
  else parts.push(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(text)]);
  for (const a of o.attachments ?? []) {
    parts.push([
      `Content-Type: ${a.contentType}; name="${encodedWord(a.fileName)}"`,
      `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(a.fileName)}`,
      'Content-Transfer-Encoding: base64',
      '',
      b64(a.content).replace(/(.{76})/g, '$1\r\n'),
    ]);
  }
  if (parts.length === 1) return crlf([...head, ...parts[0]!, '']);
  const boundary = `b-${randomUUID()}`;
  return crlf([
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p]),
    `--${boundary}--`,
    '',
  ]);
}

/** windows-1258 keeps tone marks as combining characters: encode vowel and tone separately. */
export function toWindows1258(text: string): Buffer {
  const parts: string[] = [];
  for (const ch of text.normalize('NFC')) {
    if (!iconv.encode(ch, 'windows-1258').includes(0x3f) || ch === '?') {
      parts.push(ch);
      continue;
    }
    const [base, ...marks] = [...ch.normalize('NFD')];
    const tones = marks.filter((m) => '\u0300\u0301\u0303\u0309\u0323'.includes(m));
    parts.push((base + marks.filter((m) => !tones.includes(m)).join('')).normalize('NFC') + tones.join(''));
  }
  return iconv.encode(parts.join(''), 'windows-1258');
}

export function buildWindows1258Mail(o: { from: string; subject: string; text: string; messageId: string }): Buffer {
  return Buffer.concat([
    Buffer.from(
      crlf([
        `From: <${o.from}>`,
        'To: support@tenten.test',
        `Subject: =?windows-1258?B?${toWindows1258(o.subject).toString('base64')}?=`,
        `Message-ID: ${o.messageId}`,
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=windows-1258',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ]),
    ),
    toWindows1258(o.text),
    Buffer.from('\r\n'),
  ]);
}

/** A delivery status notification (RFC 3464) about one of our messages. */
export function buildBounce(o: { originalMessageId: string; failed: string; to?: string; messageId?: string }): string {
  const boundary = `r-${randomUUID()}`;
  return crlf([
    'From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>',
    `To: ${o.to ?? 'support@tenten.test'}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${o.messageId ?? newMessageId()}`,
    `Date: ${new Date().toUTCString()}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `Your message to ${o.failed} could not be delivered: user unknown.`,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.example',
    '',
    `Final-Recipient: rfc822; ${o.failed}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${o.originalMessageId}`,
    `To: ${o.failed}`,
    'Subject: receipt',
    `--${boundary}--`,
    '',
  ]);
}
