import iconv from 'iconv-lite';
import { caseNumbersInSubject, subjectWithCaseNumber } from './case-number-in-subject';
import { signMessageId, verifyMessageId } from './message-ids';
import { parseEmail } from './parse-email';
import { stripQuotedReply } from './quoted-replies';

/** windows-1258 keeps tone marks as combining characters: encode the vowel + tone separately. */
function toWindows1258(text: string): Buffer {
  const parts: string[] = [];
  for (const ch of text.normalize('NFC')) {
    if (!iconv.encode(ch, 'windows-1258').includes(0x3f) || ch === '?') {
      parts.push(ch);
      continue;
    }
    const [base, ...marks] = [...ch.normalize('NFD')];
    const tones = marks.filter((m) => '\u0300\u0301\u0303\u0309\u0323'.includes(m));
    const shape = marks.filter((m) => !tones.includes(m));
    parts.push((base + shape.join('')).normalize('NFC') + tones.join(''));
  }
  return iconv.encode(parts.join(''), 'windows-1258');
}

const crlf = (lines: string[]) => lines.join('\r\n');

describe('parseEmail', () => {
  it('decodes a windows-1258 body and RFC 2047 subject to NFC', async () => {
    const body = 'Tôi không truy cập được tên miền anvan.vn từ hôm qua.';
    const subjectBytes = toWindows1258('Lỗi tên miền');
    const src = Buffer.concat([
      Buffer.from(
        crlf([
          'From: =?utf-8?B?' + Buffer.from('Nguyễn Văn An').toString('base64') + '?= <an@example.vn>',
          'To: support@tenten.test',
          `Subject: =?windows-1258?B?${subjectBytes.toString('base64')}?=`,
          'Message-ID: <w1258@example.vn>',
          'Content-Type: text/plain; charset=windows-1258',
          'Content-Transfer-Encoding: 8bit',
          '',
          '',
        ]),
      ),
      toWindows1258(body),
    ]);
    const mail = await parseEmail(src);
    expect(mail.text).toBe(body);
    expect(mail.text).toBe(mail.text.normalize('NFC'));
    expect(mail.subject).toBe('Lỗi tên miền');
    expect(mail.from).toEqual({ address: 'an@example.vn', name: 'Nguyễn Văn An' });
    expect(mail.kind).toBe('complaint');
    expect(mail.messageKey).toBe('<w1258@example.vn>');
  });

  it('turns HTML into text and sanitized HTML without scripts or handlers', async () => {
    const html =
      '<p onclick="steal()">Hosting <b>bị lỗi</b> 500</p><script>alert(1)</script><img src="http://t.example/p.gif" onerror="x()"><a href="javascript:evil()">x</a><a href="https://ok.example">ok</a>';
    const mail = await parseEmail(
      Buffer.from(crlf(['From: b@example.vn', 'Subject: html', 'Content-Type: text/html; charset=utf-8', '', html])),
    );
    expect(mail.text).toContain('Hosting bị lỗi 500');
    expect(mail.text).not.toContain('alert');
    expect(mail.safeHtml).toContain('<b>bị lỗi</b>');
    expect(mail.safeHtml).not.toMatch(/script|onclick|onerror|javascript:|<img/i);
    expect(mail.safeHtml).toContain('rel="noopener noreferrer nofollow"');
  });

  it('flags auto-replies, bulk mail and bounces', async () => {
    const base = ['From: x@example.vn', 'Subject: s', 'Message-ID: <a@b>'];
    expect((await parseEmail(Buffer.from(crlf([...base, 'Auto-Submitted: auto-replied', '', 'away'])))).kind).toBe('auto-reply');
    expect((await parseEmail(Buffer.from(crlf([...base, 'Auto-Submitted: no', '', 'hi'])))).kind).toBe('complaint');
    expect((await parseEmail(Buffer.from(crlf([...base, 'X-Autoreply: yes', '', 'away'])))).kind).toBe('auto-reply');
    expect((await parseEmail(Buffer.from(crlf([...base, 'Precedence: bulk', '', 'sale'])))).kind).toBe('bulk');
    expect((await parseEmail(Buffer.from(crlf([...base, 'List-Unsubscribe: <mailto:u@x>', '', 'news'])))).kind).toBe('bulk');
    const bounce = await parseEmail(
      Buffer.from(
        crlf([
          'From: MAILER-DAEMON@mx.example',
          'Subject: Undelivered Mail Returned to Sender',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
          '',
          '--B',
          'Content-Type: text/plain',
          '',
          'could not deliver',
          '--B',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.example',
          '',
          'Final-Recipient: rfc822; gone@example.vn',
          'Action: failed',
          'Status: 5.1.1',
          '',
          '--B',
          'Content-Type: text/rfc822-headers',
          '',
          'Message-ID: <KN26-00001.abcdefabcdef.0123456789abcdef0123@cg.test>',
          'Subject: receipt',
          '--B--',
          '',
        ]),
      ),
    );
    expect(bounce.kind).toBe('bounce');
    expect(bounce.bounce).toMatchObject({
      originalMessageId: '<KN26-00001.abcdefabcdef.0123456789abcdef0123@cg.test>',
      failedRecipients: ['gone@example.vn'],
      status: '5.1.1',
    });
    expect(bounce.attachments).toEqual([]);
  });

  it('keys a message without Message-ID by sender, date and body', async () => {
    const msg = (body: string) => Buffer.from(crlf(['From: c@example.vn', 'Date: Mon, 5 Jan 2026 10:00:00 +0700', 'Subject: s', '', body]));
    const a = await parseEmail(msg('một'));
    expect(a.messageKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await parseEmail(msg('một'))).messageKey).toBe(a.messageKey);
    expect((await parseEmail(msg('hai'))).messageKey).not.toBe(a.messageKey);
  });

  it('refuses a message without a sender', async () => {
    await expect(parseEmail(Buffer.from('garbage without headers'))).rejects.toThrow(/sender/);
  });
});

describe('stripQuotedReply', () => {
  it('cuts English and Vietnamese reply headers and > lines', () => {
    expect(stripQuotedReply('Vẫn lỗi ạ.\n\nOn Mon, 5 Jan 2026 at 10:00, CSKH <s@x> wrote:\n> Chào anh')).toBe('Vẫn lỗi ạ.');
    expect(stripQuotedReply('Cảm ơn.\nVào Th 2, 5 thg 1, 2026 vào lúc 10:00 CSKH <s@x> đã viết:\n> old')).toBe('Cảm ơn.');
    expect(stripQuotedReply('Hi\nOn Mon, 5 Jan 2026 at 10:00, A Long Name <a@b.c>\nwrote:\n> q')).toBe('Hi');
    expect(stripQuotedReply('ok\n> quoted\nmore')).toBe('ok\nmore');
    expect(
      stripQuotedReply(
        'Xem thư dưới.\n---------- Forwarded message ---------\nFrom: A <a@b>\nDate: Mon, 5 Jan 2026\nSubject: x\n\nTên miền bị khóa.',
      ),
    ).toContain('Tên miền bị khóa.');
  });
});

describe('signed Message-IDs and subjects', () => {
  it('verifies our ids and rejects forgeries', () => {
    const id = signMessageId('s3cret', 'cg.test', 'KN26-00042');
    expect(verifyMessageId('s3cret', id)).toBe('KN26-00042');
    expect(verifyMessageId('other', id)).toBeNull();
    expect(verifyMessageId('s3cret', id.replace('KN26-00042', 'KN26-00043'))).toBeNull();
    expect(verifyMessageId('s3cret', '<random@gmail.com>')).toBeNull();
  });
  it('finds and adds case numbers', () => {
    expect(caseNumbersInSubject('Re: [kn26-00042] Lỗi')).toEqual(['KN26-00042']);
    expect(subjectWithCaseNumber('KN26-00042', 'Re: [KN26-00042] Lỗi', 'Re: ')).toBe('Re: [KN26-00042] Lỗi');
  });
});
