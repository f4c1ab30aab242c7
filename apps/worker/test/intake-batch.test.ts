import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, QUEUE_NAMES, type IntakeEnvelope } from '@cg/contracts';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

const caseNumber = () => `KN26-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const envelope = (over: Partial<IntakeEnvelope> = {}): IntakeEnvelope => ({
  schemaVersion: 1,
  caseNumber: caseNumber(),
  channel: 'hotline',
  idempotencyKey: `call-${randomUUID()}`,
  customer: { name: 'Trần Văn Bình', phone: '0904000222' },
  bodyText: 'Tên miền hết hạn dù đã thanh toán gia hạn.',
  attachments: [],
  receivedAt: new Date().toISOString(),
  rawRef: 'hotline-call:batch-test',
  resolvedOnContact: false,
  ...over,
});

/**
 * The intake worker writes the cases of the jobs ready at once in one unordered insertMany,
 * and every job keeps its own outcome: repeats of a key make one case, a document the database
 * refuses fails (and is retried, then dead-lettered) alone, a bad envelope fails alone.
 */
describe('intake worker: batched case inserts, per-job outcomes', () => {
  let stack: TestStack;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startTestStack({ gateway: false, worker: false, env: { INTAKE_CONCURRENCY: '32', DEAD_LETTER_SWEEP_MS: '200' } });
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAMES.intake, { connection: redis, prefix: stack.prefix });
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await stack?.close();
  });

  it('one case per key, the good ones created beside a bad envelope and a refused document, each job retried alone', async () => {
    const good = Array.from({ length: 40 }, () => envelope());
    // The same complaint submitted three times (different job ids, as after an expired job id).
    const repeated = envelope();
    // A case number already taken by a good envelope of the same batch, under another key: refused by the unique index.
    const clash = envelope({ caseNumber: good[7]!.caseNumber });
    const jobs = [
      ...good.map((data) => ({ name: JOB_NAMES.intakeEnvelope, data })),
      ...[1, 2, 3].map((i) => ({ name: JOB_NAMES.intakeEnvelope, data: repeated, opts: { jobId: `repeat-${i}-${randomUUID()}` } })),
      {
        name: JOB_NAMES.intakeEnvelope,
        data: clash,
        opts: { jobId: `clash-${randomUUID()}`, attempts: 2, backoff: { type: 'fixed', delay: 50 }, delay: 1500 },
      },
      { name: JOB_NAMES.intakeEnvelope, data: { schemaVersion: 1, channel: 'fax' }, opts: { jobId: `bad-${randomUUID()}` } },
    ];
    // All waiting before the worker starts, so its first rounds find many jobs ready at once.
    const added = await queue.addBulk(jobs);
    const workers = await stack.startWorkers();

    await waitFor('good cases', async () => (await stack.db.cases.count({ channel: 'hotline' })) >= good.length + 1, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    for (const e of good) {
      const c = await stack.db.cases.findByIdempotencyKey('hotline', e.idempotencyKey);
      expect(c?.caseNumber).toBe(e.caseNumber);
    }
    expect(await stack.db.cases.count({ channel: 'hotline', idempotencyKey: repeated.idempotencyKey })).toBe(1);
    // Inserts went together: at least one round wrote several cases in one insertMany.
    expect(Math.max(...workers.caseInserts.batchSizes)).toBeGreaterThan(1);

    // The refused document failed alone, was retried, and is dead-lettered after its last attempt.
    const clashJob = added[good.length + 3]!;
    const dead = await waitFor('clash dead-lettered', () => stack.db.deadLetters.model.findOne({ jobId: clashJob.id }).lean(), {
      timeoutMs: 20_000,
    });
    expect(dead).toMatchObject({ status: 'dead', attemptsMade: 2 });
    expect(dead.error).toMatch(/E11000|duplicate/i);
    expect(await stack.db.cases.findByIdempotencyKey('hotline', clash.idempotencyKey)).toBeNull();
    // The bad envelope: dead-lettered at once, no retry.
    const badJob = added[good.length + 4]!;
    const badDead = await waitFor('bad envelope dead-lettered', () => stack.db.deadLetters.model.findOne({ jobId: badJob.id }).lean());
    expect(badDead).toMatchObject({ attemptsMade: 1 });
    // The repeats all completed with the one case.
    for (const j of added.slice(good.length, good.length + 3)) {
      const job = await waitFor('repeat completed', async () => {
        const x = await queue.getJob(j.id!);
        return x?.finishedOn ? x : undefined;
      });
      expect(job.returnvalue).toMatchObject({ caseNumber: repeated.caseNumber });
    }
  });
});
