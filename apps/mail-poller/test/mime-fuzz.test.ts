import fc from 'fast-check';
import { Redis } from 'ioredis';
import pino from 'pino';
import { intakeEnvelopeSchema } from '@cg/contracts';
import type { MailboxConfig } from '@cg/config';
import { MetricsRegistry } from '@cg/core';
import { messageKeyFor, parseEmail } from '@cg/mail';
import { CaseNumberAllocator, createIntakeQueue, createOutboundQueue, IntakePublisher, intakeJobId } from '@cg/queue';
import { startTestStack, type TestStack } from '@cg/testing';
import { MailIntake, type HeaderInfo } from '../src/message-intake';
import { buildBounce, buildMail, buildWindows1258Mail, newMessageId } from './support/messages';

/**
 * Property-based test of the poller's intake of one message (issue 11), on the real Redis and
 * FerretDB without IMAP: real mails mutated byte by byte go through MailIntake.takeIn as a
 * fetched body would. It never throws (a throw means "infrastructure fault": the poller would
 * take the same mail again on every sync, forever); the mail is either quarantined (recorded in
 * mail_quarantine) or acknowledged, and an acknowledged complaint's intake envelope is in the
 * queue and validates against the envelope schema.
 */
/** FUZZ_SCALE=<k> (npm run fuzz: 10) runs k times as many cases. */
const SCALE = Number(process.env.FUZZ_SCALE) || 1;
const RUNS = 40 * SCALE;

const MAILBOX: MailboxConfig = {
  name: 'fuzz',
  host: '127.0.0.1',
  port: 1,
  secure: false,
  requireTls: false,
  user: 'fuzz',
  password: 'fuzz',
  folder: 'INBOX',
  processed: { action: 'seen' },
  quarantineFolder: 'Quarantine',
};

type Mutation = { op: 'flip' | 'cut' | 'insert'; at: number; xor: number; bytes: Uint8Array };
const mutation = fc.record({
  op: fc.constantFrom('flip', 'cut', 'insert'),
  at: fc.nat(),
  xor: fc.integer({ min: 1, max: 255 }),
  bytes: fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }),
    fc
      .constantFrom('\r\n', '\r\n\r\n', '=?UTF-8?B?', ';', '<', '>', '\r\n ', 'Content-Type: ', '\u0000')
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
  }
  return b;
}

/** The headers as an IMAP FETCH of headers gives them to the poller (lower-case names, unfolded, first wins). */
function headerMap(source: Buffer): Map<string, string> {
  const text = source.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const map = new Map<string, string>();
  for (const line of (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !map.has(line.slice(0, colon).trim().toLowerCase()))
      map.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

describe('the poller takes in any mail: quarantined, or acknowledged with a valid envelope; never stuck', () => {
  let stack: TestStack;
  let redis: Redis;
  let intake: MailIntake;
  let queues: { intake: ReturnType<typeof createIntakeQueue>; outbound: ReturnType<typeof createOutboundQueue> };
  let seeds: Buffer[];

  beforeAll(async () => {
    stack = await startTestStack({ gateway: false, worker: false });
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    queues = {
      intake: createIntakeQueue({ connection: redis, prefix: stack.prefix }),
      outbound: createOutboundQueue({ connection: redis, prefix: stack.prefix }),
    };
    const allocator = new CaseNumberAllocator(redis, { keyPrefix: stack.prefix, caseNumberPrefix: 'KN', ttlSeconds: 3600 });
    intake = new MailIntake({
      db: stack.db,
      publisher: new IntakePublisher(queues.intake, allocator, 5000),
      outboundQueue: queues.outbound,
      mailbox: MAILBOX,
      maxMessageBytes: 15 * 1024 * 1024,
      messageIds: { secret: 'fuzz-secret', domain: 'tenten.test' },
      ownAddresses: new Set(['support@tenten.test']),
      logger: pino({ level: 'silent' }),
      metrics: new MetricsRegistry(),
    });
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    seeds = [
      Buffer.from(buildMail({ fromName: 'Nguyễn Văn An', subject: 'Tên miền anvan.vn hết hạn' })),
      Buffer.from(
        buildMail({
          html: '<p>Website <b>lỗi</b> 500</p><script>x()</script>',
          attachments: [{ fileName: 'hợp đồng.pdf', contentType: 'application/pdf', content: pdf }],
        }),
      ),
      buildWindows1258Mail({
        from: 'binh@example.vn',
        subject: 'Hóa đơn',
        text: 'Hóa đơn tháng 3 bị tính sai.',
        messageId: newMessageId(),
      }),
      Buffer.from(
        buildBounce({ originalMessageId: '<KN26-00042.1a2b3c4d5e6f.0123456789abcdef0123@tenten.test>', failed: 'an@customer.example' }),
      ),
      Buffer.from(buildMail({ headers: ['Auto-Submitted: auto-replied'], subject: 'Out of office' })),
    ];
  }, 60_000);
  afterAll(async () => {
    await queues.intake.close();
    await queues.outbound.close();
    redis.disconnect();
    await stack.close();
  });

  it('U+0000 in the headers and the text: taken in without it (found by this fuzzer: the record could not be stored)', async () => {
    const messageId = newMessageId();
    const source = Buffer.from(
      buildMail({ messageId, fromName: 'An\u0000', subject: 'Hosting\u0000 lỗi', text: 'Website lỗi\u0000 500 từ sáng nay.' }).replace(
        `Message-ID: ${messageId}`,
        `Message-ID: ${messageId}\r\nX-Junk: a\u0000b`,
      ),
    );
    expect(
      await intake.takeIn({ uid: 1_000_000, size: source.length, headers: headerMap(source), internalDate: new Date() }, source, 1),
    ).toBe('ack');
    const record = await stack.db.mailMessages.find(MAILBOX.name, messageId);
    expect(record).toMatchObject({ status: 'received', subject: 'Hosting lỗi' });
    const job = await queues.intake.getJob(intakeJobId({ channel: 'email', idempotencyKey: record!.idempotencyKey }));
    expect(job!.data).toMatchObject({ subject: 'Hosting lỗi', bodyText: 'Website lỗi 500 từ sáng nay.', customer: { name: 'An' } });
  });

  it(
    `${RUNS * 2} mutated mails`,
    async () => {
      let uid = 0;
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...seeds.keys()),
          fc.array(mutation, { maxLength: 4 }),
          fc.boolean(),
          async (i, mutations, fresh) => {
            // Fresh Message-IDs most of the time, so each mail is new to the mailbox (a known one is only acknowledged).
            const seed = fresh
              ? Buffer.from(seeds[i]!.toString('latin1').replace(/^Message-ID: .*$/im, `Message-ID: ${newMessageId()}`), 'latin1')
              : seeds[i]!;
            const source = mutate(seed, mutations);
            const info: HeaderInfo = { uid: ++uid, size: source.length, headers: headerMap(source), internalDate: new Date() };
            const outcome = await intake.takeIn(info, source, 1);
            const parsed = await parseEmail(source).catch(() => undefined);
            if (outcome === 'quarantine') {
              // Keyed as the poller keys it: the parsed mail's key, else the Message-ID header's (without U+0000), else the UID.
              const id = info.headers.get('message-id')?.replaceAll('\u0000', '').trim();
              const key =
                parsed?.messageKey ?? (id ? messageKeyFor(id, () => ({ sender: '', date: '', body: Buffer.alloc(0) })) : undefined);
              const keys = [`uid:1/${info.uid}`, ...(key ? [key] : [])];
              expect((await stack.db.mailQuarantine.has(MAILBOX.name, keys)).size).toBeGreaterThan(0);
            } else {
              expect(outcome).toBe('ack');
              const record = parsed && (await stack.db.mailMessages.find(MAILBOX.name, parsed.messageKey));
              if (record && record.status === 'received' && record.kind === 'complaint') {
                const job = await queues.intake.getJob(intakeJobId({ channel: 'email', idempotencyKey: record.idempotencyKey }));
                expect(job).toBeDefined();
                const envelope = intakeEnvelopeSchema.safeParse(job!.data);
                expect(envelope.error?.issues ?? []).toEqual([]);
                // Storable by the worker: FerretDB (PostgreSQL jsonb) cannot hold U+0000.
                expect(JSON.stringify(job!.data)).not.toContain('\\u0000');
              }
            }
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          },
        ),
        { numRuns: RUNS * 2 },
      );
      expect(outcomes.get('ack')).toBeGreaterThan(0);
    },
    300_000 * SCALE,
  );
});
