import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, QUEUE_NAMES, type IntakeEnvelope } from '@cg/contracts';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/**
 * An open case whose deadline check was never planned (the scheduling after an extension or an
 * intake failed, Redis lost it) gets it back from the worker's reconcile sweep, and only one:
 * the job ids are deterministic, so re-planning a check that exists is a no-op.
 */
describe('deadline reconcile sweep', () => {
  let stack: TestStack;
  let redis: Redis;
  let intake: Queue;
  let deadlines: Queue;

  beforeAll(async () => {
    stack = await startTestStack({ gateway: false, env: { DEADLINE_RECONCILE_MS: '200' } });
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    intake = new Queue(QUEUE_NAMES.intake, { connection: redis, prefix: stack.prefix });
    deadlines = new Queue(QUEUE_NAMES.deadlines, { connection: redis, prefix: stack.prefix });
  });
  afterAll(async () => {
    await intake?.close();
    await deadlines?.close();
    redis?.disconnect();
    await stack?.close();
  });

  const checksOf = async (caseNumber: string) =>
    (await deadlines.getJobs(['delayed', 'waiting', 'active'])).filter((j) => j?.data?.caseNumber === caseNumber);

  it('plans the missing check of an open case, once', async () => {
    const envelope: IntakeEnvelope = {
      schemaVersion: 1,
      caseNumber: `KN26-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      channel: 'hotline',
      idempotencyKey: `call-${randomUUID()}`,
      customer: { name: 'Lê Minh', phone: '0904000222' },
      bodyText: 'Tên miền hết hạn dù đã gia hạn.',
      attachments: [],
      receivedAt: new Date().toISOString(),
      rawRef: 'hotline-call:test',
      resolvedOnContact: false,
    };
    await intake.add(JOB_NAMES.intakeEnvelope, envelope);
    const c = await waitFor('the case', () => stack.db.cases.findByCaseNumber(envelope.caseNumber));
    const [planned] = await waitFor('its first check', async () => {
      const jobs = await checksOf(c.caseNumber);
      return jobs.length ? jobs : undefined;
    });
    // The check is lost (as if the scheduling had failed after the case was written).
    // (The sweep runs every 200 ms, so the queue is not checked for its absence here: it may be back already.)
    expect(await deadlines.remove(planned!.id!)).toBe(1);

    const [again, ...more] = await waitFor('the check planned again by the sweep', async () => {
      const jobs = await checksOf(c.caseNumber);
      return jobs.length ? jobs : undefined;
    });
    expect(more).toHaveLength(0);
    expect(again!.id).toBe(planned!.id);
    expect(again!.data).toEqual({ caseNumber: c.caseNumber, kind: 'target_due_soon', dueDate: c.deadlines.target.dueDate });
  });
});
