import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, QUEUE_NAMES, type IntakeEnvelope } from '@cg/contracts';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

const run = promisify(execFile);
const CLI = join(__dirname, '../../cli/dist/main.js');

const envelope = (over: Partial<IntakeEnvelope> = {}): IntakeEnvelope => ({
  schemaVersion: 1,
  caseNumber: `KN26-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
  channel: 'hotline',
  idempotencyKey: `call-${randomUUID()}`,
  customer: { name: 'Phạm Thu Hà', phone: '0904000111' },
  bodyText: 'Hosting VPS bị mất dữ liệu sau khi khôi phục backup.',
  attachments: [],
  receivedAt: new Date().toISOString(),
  rawRef: 'hotline-call:test',
  resolvedOnContact: false,
  ...over,
});

describe('failed intake jobs: retries, dead letters and re-drive', () => {
  /** The workers only: the test feeds the intake queue itself. */
  let stack: TestStack;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    // The dead-letter sweep every 200 ms: it copies what the failed-job hook could not record.
    stack = await startTestStack({ gateway: false, env: { DEAD_LETTER_SWEEP_MS: '200' } });
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAMES.intake, { connection: redis, prefix: stack.prefix });
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await stack?.close();
  });

  it('sends an invalid envelope straight to the dead-letter collection, without retries', async () => {
    const job = await queue.add(JOB_NAMES.intakeEnvelope, { schemaVersion: 1, channel: 'fax' }, { attempts: 5 });
    const dead = await waitFor('dead letter', () => stack.db.deadLetters.model.findOne({ jobId: job.id }).lean());
    expect(dead).toMatchObject({ queue: 'intake', jobName: 'intake-envelope', status: 'dead', attemptsMade: 1 });
    expect(dead.error).toMatch(/invalid intake envelope: .*channel/);
    expect(dead.data).toEqual({ schemaVersion: 1, channel: 'fax' });
  });

  it('retries a failing job with backoff, dead-letters it after the last attempt, and re-drives it from the CLI', async () => {
    // A case already holds this case number under another key: the insert fails until that is fixed.
    const blocker = envelope();
    await queue.add(JOB_NAMES.intakeEnvelope, blocker);
    await waitFor('blocking case', () => stack.db.cases.findByCaseNumber(blocker.caseNumber));

    const victim = envelope({ caseNumber: blocker.caseNumber });
    const job = await queue.add(JOB_NAMES.intakeEnvelope, victim, { attempts: 3, backoff: { type: 'exponential', delay: 50 } });
    const dead = await waitFor('dead letter after 3 attempts', () => stack.db.deadLetters.model.findOne({ jobId: job.id }).lean());
    expect(dead.attemptsMade).toBe(3);
    expect(dead.error).toMatch(/E11000|duplicate/i);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(3);
    expect(await stack.db.cases.findByIdempotencyKey('hotline', victim.idempotencyKey)).toBeNull();

    // The operator fixes the cause, lists the dead letters and re-drives this one.
    await stack.db.cases.deleteByCaseNumber(blocker.caseNumber);
    const cliEnv = { ...stack.env, LOG_LEVEL: 'silent' };
    const listed = await run('node', [CLI, 'dead-letters:list'], { env: cliEnv });
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const row = rows.find((r) => r.jobId === job.id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });

    const redriven = await run('node', [CLI, 'dead-letters:redrive', '--id', row.id], { env: cliEnv });
    expect(JSON.parse(redriven.stdout)).toMatchObject({ redriven: row.id });
    const created = await waitFor('case created by the re-driven job', () =>
      stack.db.cases.findByIdempotencyKey('hotline', victim.idempotencyKey),
    );
    expect(created.caseNumber).toBe(victim.caseNumber);
    expect((await stack.db.deadLetters.findById(row.id))?.status).toBe('redriven');

    // Re-driving twice is refused with a usage error.
    await expect(run('node', [CLI, 'dead-letters:redrive', '--id', row.id], { env: cliEnv })).rejects.toMatchObject({ code: 2 });
  });

  it('records a final failure whose dead-letter write was lost (MongoDB down at that moment) from the BullMQ failed set', async () => {
    const job = await queue.add(JOB_NAMES.intakeEnvelope, { schemaVersion: 1, channel: 'telex' }, { attempts: 1 });
    await waitFor('dead letter', () => stack.db.deadLetters.model.findOne({ jobId: job.id }).lean());
    // The write the failed-job hook made is gone, as if MongoDB had refused it: BullMQ still has the job.
    await stack.db.deadLetters.model.deleteOne({ jobId: job.id });
    expect(await queue.getJobState(job.id!)).toBe('failed');
    const again = await waitFor('dead letter recorded again by the sweep', () =>
      stack.db.deadLetters.model.findOne({ jobId: job.id }).lean(),
    );
    expect(again).toMatchObject({ queue: 'intake', jobName: 'intake-envelope', status: 'dead' });
    expect(again.error).toMatch(/invalid intake envelope/);
    expect(again.data).toEqual({ schemaVersion: 1, channel: 'telex' });
  });

  it('creates one case when the same envelope is processed twice under different job ids', async () => {
    const e = envelope();
    const before = await queue.getCompletedCount();
    await queue.add(JOB_NAMES.intakeEnvelope, e, { jobId: `a-${randomUUID()}` });
    await queue.add(JOB_NAMES.intakeEnvelope, e, { jobId: `b-${randomUUID()}` });
    await waitFor('both jobs done', async () => (await queue.getCompletedCount()) === before + 2);
    expect(await stack.db.cases.count({ idempotencyKey: e.idempotencyKey })).toBe(1);
  });
});
