import iconv from 'iconv-lite';
import fc from 'fast-check';
import { caseNumbersInSubject, subjectWithCaseNumber } from './case-number-in-subject';
import { classifyAutomated } from './automated-mail';
import { decodeHeaderValue } from './header-words';
import { htmlToPlainText, sanitizeEmailHtml } from './html';
import { parseMessageIdList, signMessageId, verifyMessageId } from './message-ids';
import { parseEmail, UnparseableEmailError, type ParsedEmail } from './parse-email';
import { stripQuotedReply } from './quoted-replies';
import { readAuthenticationResults } from './authentication-results';
import { trustedBounceRecipients } from './bounce-recipients';

/**
 * Property-based tests of the MIME parser and the header readers the threading uses (issue 11):
 * arbitrary bytes, real mails mutated byte by byte, and mails assembled from arbitrary headers,
 * charsets, encodings and MIME trees. parseEmail either gives a well-formed ParsedEmail or
 * refuses with UnparseableEmailError (the poller quarantines those); nothing else is thrown.
 *
 */
/** FUZZ_SCALE=<k> (npm run fuzz: 10) runs k times as many cases. */
const SCALE = Number(process.env.FUZZ_SCALE) || 1;
const RUNS = 60 * SCALE;
jest.setTimeout(30_000 * SCALE);

const crlf = (lines: string[]) => lines.join('\r\n');
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** Real mails, as clients and servers write them. */
const SEEDS: Buffer[] = [
  Buffer.from(
    crlf([
      `From: =?UTF-8?B?${b64('Nguyễn Văn An')}?= <an.nguyen@customer.example>`,
      'To: support@tenten.test',
      `Subject: =?UTF-8?B?${b64('Tên miền không truy cập được')}?=`,
      'Date: Mon, 5 Jan 2026 10:00:00 +0700',
      'Message-ID: <a1@customer.example>',
      'In-Reply-To: <KN26-00042.1a2b3c4d5e6f.0123456789abcdef0123@tenten.test>',
      'References: <x@y> <KN26-00042.1a2b3c4d5e6f.0123456789abcdef0123@tenten.test>',
      'Authentication-Results: mx.tenten.test; spf=pass smtp.mailfrom=customer.example; dkim=pass header.d=customer.example; dmarc=pass',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64('Tên miền anvan.vn của tôi không truy cập được từ sáng nay.\n\nVào 10:00 ngày 5/1, support đã viết:\n> cũ'),
      '',
    ]),
  ),
  Buffer.concat([
    Buffer.from(
      crlf([
        'From: Binh <binh@example.vn>',
        'To: support@tenten.test',
        'Subject: =?windows-1258?Q?H=F3a_=F0=F5n?=',
        'Message-ID: <w1258@example.vn>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=windows-1258',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ]),
    ),
    iconv.encode('Hóa đơn tháng 3 bị tính sai, đề nghị kiểm tra.\r\n', 'windows-1258'),
  ]),
  Buffer.from(
    crlf([
      'From: "Lan" <lan@example.vn>',
      'To: support@tenten.test',
      'Subject: Re: [KN26-00042] hosting',
      'Message-ID: <multi@example.vn>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Website l=E1=BB=97i 500.',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Website <b>lỗi</b> 500<script>alert(1)</script><img src="http://x/t.gif"></p>',
      '--inner--',
      '--outer',
      'Content-Type: application/pdf; name="=?UTF-8?B?aOG7o3AgxJHhu5NuZy5wZGY=?="',
      `Content-Disposition: attachment; filename*=UTF-8''h%E1%BB%A3p%20%C4%91%E1%BB%93ng.pdf`,
      'Content-Transfer-Encoding: base64',
      '',
      b64('%PDF-1.4\n%%EOF\n'),
      '--outer--',
      '',
    ]),
  ),
  Buffer.from(
    crlf([
      'From: MAILER-DAEMON@mx.example.vn',
      'To: support@tenten.test',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain',
      '',
      'The mail could not be delivered.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.vn',
      '',
      'Final-Recipient: rfc822; an@customer.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 no such user',
      '--r',
      'Content-Type: text/rfc822-headers',
      '',
      'Message-ID: <KN26-00042.1a2b3c4d5e6f.0123456789abcdef0123@tenten.test>',
      '--r--',
      '',
    ]),
  ),
  Buffer.from(crlf(['From: away@example.vn', 'Auto-Submitted: auto-replied', 'Subject: Out of office', '', 'I am away until Monday.', ''])),
];

// ---------------------------------------------------------------------------------------------

const SIGNED_ID_SHAPE = /^<[^<>\s]+>$/;
const isNfc = (s: string) => s === s.normalize('NFC');

/** What the poller relies on when parseEmail resolves. */
function expectWellFormed(mail: ParsedEmail): void {
  expect(mail.from?.address).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
  expect(mail.from!.address).toBe(mail.from!.address.toLowerCase());
  expect(mail.messageKey.length).toBeGreaterThan(0);
  expect(mail.messageKey.length).toBeLessThanOrEqual(402);
  for (const a of [mail.replyTo, ...mail.to].filter(Boolean)) expect(a!.address).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
  for (const id of [...mail.inReplyTo, ...mail.references]) expect(id).toMatch(SIGNED_ID_SHAPE);
  expect(isNfc(mail.text)).toBe(true);
  if (mail.subject !== undefined) expect(isNfc(mail.subject)).toBe(true);
  expect(mail.newText.length).toBeLessThanOrEqual(mail.text.length);
  if (mail.date) expect(Number.isNaN(mail.date.getTime())).toBe(false);
  if (mail.safeHtml !== undefined) expect(mail.safeHtml).not.toMatch(/<script|onerror=|javascript:/i);
  for (const a of mail.attachments) {
    expect(a.size).toBe(a.content.length);
    expect(a.fileName.length).toBeGreaterThan(0);
    expect(a.fileName.length).toBeLessThanOrEqual(255);
    // eslint-disable-next-line no-control-regex -- control characters and path separators must not be there
    expect(a.fileName).not.toMatch(/[\\/\u0000-\u001f\u007f]/);
  }
  for (const [name, value] of Object.entries(mail.headers)) {
    expect(value.length).toBeLessThanOrEqual(name === 'authentication-results' ? 4000 : 500);
  }
  if (mail.kind === 'bounce') expect(mail.attachments).toEqual([]);
}

/** Parses: a well-formed mail, or UnparseableEmailError (quarantined by the poller), nothing else. */
async function parsesOrRefuses(source: Buffer): Promise<'parsed' | 'refused'> {
  let mail: ParsedEmail;
  try {
    mail = await parseEmail(source);
  } catch (err) {
    if (!(err instanceof UnparseableEmailError)) throw err;
    return 'refused';
  }
  expectWellFormed(mail);
  return 'parsed';
}

type Mutation = { op: 'flip' | 'cut' | 'insert' | 'duplicate'; at: number; xor: number; bytes: Uint8Array };
const mutation = fc.record({
  op: fc.constantFrom('flip', 'cut', 'insert', 'duplicate'),
  at: fc.nat(),
  xor: fc.integer({ min: 1, max: 255 }),
  bytes: fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }),
    fc
      .constantFrom('\r\n', '\r\n\r\n', '\n--outer\r\n', '=?', '?=', '=?UTF-8?B?', ';', '"', '<', '>', '\r\n ', 'boundary=', '\u0000')
      .map((s) => Buffer.from(s, 'latin1')),
  ),
}) as fc.Arbitrary<Mutation>;

function mutate(seed: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const at = b.length ? m.at % b.length : 0;
    if (m.op === 'flip' && b.length) b[at] = b[at]! ^ m.xor;
    if (m.op === 'cut') b = b.subarray(0, at);
    if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    if (m.op === 'duplicate') b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + 200), b.subarray(at)]);
  }
  return b;
}

/** Header text people and machines write: unicode, encoded words (good and broken), folding, junk. */
const headerText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('UTF-8', 'utf-8', 'windows-1258', 'ISO-8859-1', 'x-unknown', 'UTF-7', 'GB2312', ''),
      fc.constantFrom('B', 'Q', 'b', 'X'),
      fc.string({ maxLength: 30 }),
    )
    .map(([cs, enc, t]) => `=?${cs}?${enc}?${enc.toUpperCase() === 'B' ? b64(t) : t}?=`),
  fc.constantFrom(
    '=?UTF-8?B?broken',
    '=?=?=?',
    'a\r\n b',
    '<>',
    '<<a@b>>',
    '"unterminated <a@b.vn>',
    'undisclosed-recipients:;',
    'group: a@b.vn, c@d.vn;',
    '',
  ),
);
const address = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('a@b', '@example.vn', 'a@@b.vn', 'Lan <lan@example.vn>', '"Ng, An" <an@x.vn>', '<>', 'a b@c.vn'),
  headerText,
);

/** A mail assembled from arbitrary headers and a MIME tree with arbitrary types, charsets and encodings. */
const assembledMail = fc.letrec<{ part: string }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small' },
    fc
      .tuple(
        fc.constantFrom('text/plain', 'text/html', 'application/pdf', 'image/png', 'message/rfc822', 'text/rfc822-headers', 'x/y', ''),
        fc.constantFrom('utf-8', 'windows-1258', 'iso-8859-1', 'bogus', 'utf-16'),
        fc.constantFrom('base64', 'quoted-printable', '7bit', '8bit', 'x-uuencode', 'bogus'),
        fc.option(headerText),
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
          fc.constantFrom('<script>x</script><b>hi</b>', '=XX=', '===='),
        ),
      )
      .map(([type, charset, encoding, fileName, body]) =>
        crlf([
          `Content-Type: ${type}; charset=${charset}${fileName === null ? '' : `; name="${fileName}"`}`,
          `Content-Transfer-Encoding: ${encoding}`,
          ...(fileName === null ? [] : [`Content-Disposition: attachment; filename="${fileName}"`]),
          '',
          encoding === 'base64' ? b64(body) : body,
        ]),
      ),
    fc
      .tuple(fc.constantFrom('mixed', 'alternative', 'related', 'report'), fc.array(tie('part'), { maxLength: 3 }), fc.boolean())
      .map(([sub, parts, closed]) => {
        const boundary = `b${parts.length}${sub}`;
        return crlf([
          `Content-Type: multipart/${sub}; boundary="${boundary}"${sub === 'report' ? '; report-type=delivery-status' : ''}`,
          '',
          ...parts.flatMap((p) => [`--${boundary}`, p]),
          ...(closed ? [`--${boundary}--`] : []),
        ]);
      }),
  ),
})).part;

const headersOfMail = fc.record({
  from: address,
  to: fc.option(address),
  replyTo: fc.option(address),
  subject: fc.option(headerText),
  messageId: fc.option(fc.oneof(headerText, fc.constantFrom('<a@b>', 'no-brackets@x', '<' + 'x'.repeat(500) + '@y>'))),
  inReplyTo: fc.option(headerText),
  date: fc.option(fc.oneof(headerText, fc.constantFrom('Mon, 5 Jan 2026 10:00:00 +0700', 'Feb 30 2026', '0'))),
  extra: fc.array(
    fc.tuple(
      fc.constantFrom(
        'Auto-Submitted',
        'Precedence',
        'List-Id',
        'X-Failed-Recipients',
        'Authentication-Results',
        'X-Loop',
        'References',
        'X-Junk',
      ),
      headerText,
    ),
    { maxLength: 4 },
  ),
});

// ---------------------------------------------------------------------------------------------

describe('the MIME parser (property-based)', () => {
  it('the seeds parse (the mutations below start from real mails)', async () => {
    for (const seed of SEEDS) expect(await parsesOrRefuses(seed)).toBe('parsed');
  });

  it('a part with an empty Content-Type is an attachment of type application/octet-stream (found by this fuzzer)', async () => {
    const mail = await parseEmail(
      Buffer.from(
        crlf([
          'From: Lan <lan@example.vn>',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: ; charset=utf-8',
          'Content-Transfer-Encoding: base64',
          '',
          b64('x'),
          '--b--',
          '',
        ]),
      ),
    );
    expect(mail.attachments.map((a) => [a.fileName, a.contentType])).toEqual([['attachment-1', 'application/octet-stream']]);
  });

  it('arbitrary bytes: a well-formed mail or UnparseableEmailError, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        await parsesOrRefuses(Buffer.from(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('real mails mutated byte by byte', async () => {
    const outcomes = { parsed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS.keys()), fc.array(mutation, { minLength: 1, maxLength: 5 }), async (i, mutations) => {
        outcomes[await parsesOrRefuses(mutate(SEEDS[i]!, mutations))]++;
      }),
      { numRuns: RUNS * 2 },
    );
    expect(outcomes.parsed).toBeGreaterThan(0);
  });

  it('mails assembled from arbitrary headers, charsets, encodings and MIME trees', async () => {
    await fc.assert(
      fc.asyncProperty(headersOfMail, assembledMail, async (h, body) => {
        const head = [
          `From: ${h.from}`,
          ...(h.to === null ? [] : [`To: ${h.to}`]),
          ...(h.replyTo === null ? [] : [`Reply-To: ${h.replyTo}`]),
          ...(h.subject === null ? [] : [`Subject: ${h.subject}`]),
          ...(h.messageId === null ? [] : [`Message-ID: ${h.messageId}`]),
          ...(h.inReplyTo === null ? [] : [`In-Reply-To: ${h.inReplyTo}`]),
          ...(h.date === null ? [] : [`Date: ${h.date}`]),
          ...h.extra.map(([name, value]) => `${name}: ${value}`),
          'MIME-Version: 1.0',
        ];
        await parsesOrRefuses(Buffer.from(`${crlf(head)}\r\n${body}\r\n`, 'utf8'));
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('the header readers the threading and the poller use (property-based)', () => {
  const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), headerText);

  it('never throw on arbitrary text, and keep their shapes', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const decoded = decodeHeaderValue(a);
        expect(typeof decoded).toBe('string');
        for (const id of parseMessageIdList(a)) expect(id).toMatch(SIGNED_ID_SHAPE);
        for (const n of caseNumbersInSubject(a)) expect(n).toBe(n.toUpperCase());
        expect(subjectWithCaseNumber('KN26-00042', a).startsWith('[KN26-00042]')).toBe(true);
        expect(subjectWithCaseNumber('KN26-00042', a).length).toBeLessThanOrEqual(500);
        const auth = readAuthenticationResults(a, b);
        expect(['pass', 'fail', 'unknown']).toContain(auth.verdict);
        const trusted = trustedBounceRecipients({ failedRecipients: [a] }, b);
        expect(trusted === null || trusted.length === 1).toBe(true);
        const kind = classifyAutomated({ get: (n) => (n.length % 2 ? a : undefined) }, { value: b, params: { 'report-type': a } });
        expect(['complaint', 'auto-reply', 'bulk', 'bounce']).toContain(kind.kind);
        expect(typeof stripQuotedReply(a)).toBe('string');
        expect(typeof htmlToPlainText(a)).toBe('string');
        expect(sanitizeEmailHtml(`<p>${a}</p><script>${b}</script>`)).not.toMatch(/<script/i);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('signed Message-IDs: our own verify to their reference; anything else, forged or altered, to null', () => {
    const secret = 'fuzz-secret';
    const ref = fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/);
    fc.assert(
      fc.property(ref, fc.string({ maxLength: 120 }), fc.nat(), fc.integer({ min: 1, max: 15 }), (r, junk, at, xor) => {
        const id = signMessageId(secret, 'tenten.test', r);
        expect(verifyMessageId(secret, id)).toBe(r);
        expect(verifyMessageId('another-secret', id)).toBeNull();
        // One hex digit of the signature changed: a forgery.
        const sigStart = id.indexOf('@') - 20;
        const i = sigStart + (at % 20);
        const altered = id.slice(0, i) + (parseInt(id[i]!, 16) ^ xor).toString(16) + id.slice(i + 1);
        expect(verifyMessageId(secret, altered)).toBeNull();
        expect(verifyMessageId(secret, junk)).toBeNull();
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
