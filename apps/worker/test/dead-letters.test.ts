import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { JOB_NAMES, QUEUE_NAMES, type IntakeEnvelope } from '@cg/contracts';
import { loadWorkerConfig } from '@cg/config';
import { isolatedEnv, removeRedisKeys, waitFor } from '@cg/testing';
import { startWorkers, type RunningWorkers } from '../src/worker';

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
  const env = isolatedEnv();
  let workers: RunningWorkers;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    workers = await startWorkers(loadWorkerConfig(env), pino({ level: 'silent' }));
    redis = new Redis(loadWorkerConfig(env).REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAMES.intake, { connection: redis, prefix: env.QUEUE_PREFIX! });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await workers.db.connection.dropDatabase();
    await workers.close();
    await removeRedisKeys(loadWorkerConfig(env).REDIS_URL, env.QUEUE_PREFIX!);
  });

  it('sends an invalid envelope straight to the dead-letter collection, without retries', async () => {
    const job = await queue.add(JOB_NAMES.intakeEnvelope, { schemaVersion: 1, channel: 'fax' }, { attempts: 5 });
    const dead = await waitFor('dead letter', () => workers.db.deadLetters.model.findOne({ jobId: job.id }).lean());
    expect(dead).toMatchObject({ queue: 'intake', jobName: 'intake-envelope', status: 'dead', attemptsMade: 1 });
    expect(dead.error).toMatch(/invalid intake envelope: .*channel/);
    expect(dead.data).toEqual({ schemaVersion: 1, channel: 'fax' });
  });

  it('retries a failing job with backoff, dead-letters it after the last attempt, and re-drives it from the CLI', async () => {
    // A case already holds this case number under another key: the insert fails until that is fixed.
    const blocker = envelope();
    await queue.add(JOB_NAMES.intakeEnvelope, blocker);
    await waitFor('blocking case', () => workers.db.cases.findByCaseNumber(blocker.caseNumber));

    const victim = envelope({ caseNumber: blocker.caseNumber });
    const job = await queue.add(JOB_NAMES.intakeEnvelope, victim, { attempts: 3, backoff: { type: 'exponential', delay: 50 } });
    const dead = await waitFor('dead letter after 3 attempts', () => workers.db.deadLetters.model.findOne({ jobId: job.id }).lean());
    expect(dead.attemptsMade).toBe(3);
    expect(dead.error).toMatch(/E11000|duplicate/i);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(3);
    expect(await workers.db.cases.findByIdempotencyKey('hotline', victim.idempotencyKey)).toBeNull();

    // The operator fixes the cause, lists the dead letters and re-drives this one.
    await workers.db.cases.model.deleteOne({ caseNumber: blocker.caseNumber });
    const cliEnv = { ...env, LOG_LEVEL: 'silent' };
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
      workers.db.cases.findByIdempotencyKey('hotline', victim.idempotencyKey),
    );
    expect(created.caseNumber).toBe(victim.caseNumber);
    expect((await workers.db.deadLetters.findById(row.id))?.status).toBe('redriven');

    // Re-driving twice is refused with a usage error.
    await expect(run('node', [CLI, 'dead-letters:redrive', '--id', row.id], { env: cliEnv })).rejects.toMatchObject({ code: 2 });
  });

  it('creates one case when the same envelope is processed twice under different job ids', async () => {
    const e = envelope();
    const before = await queue.getCompletedCount();
    await queue.add(JOB_NAMES.intakeEnvelope, e, { jobId: `a-${randomUUID()}` });
    await queue.add(JOB_NAMES.intakeEnvelope, e, { jobId: `b-${randomUUID()}` });
    await waitFor('both jobs done', async () => (await queue.getCompletedCount()) === before + 2);
    expect(await workers.db.cases.model.countDocuments({ idempotencyKey: e.idempotencyKey })).toBe(1);
  });
});
