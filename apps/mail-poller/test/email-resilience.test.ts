import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import { buildMail, newMessageId } from './support/messages';

jest.setTimeout(180_000);

/** What the poller's /readyz reports of each mailbox (the fields these tests read). */
const readinessBody = z.object({
  mailboxes: z.array(z.looseObject({ mailbox: z.string(), healthy: z.boolean(), consecutiveFailures: z.number() })),
});

const complaints = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) =>
    buildMail({
      messageId: newMessageId(),
      from: `kh${i}.${tag}@customer.example`,
      subject: `Khiếu nại ${tag} số ${i}`,
      text: `Tên miền số ${i} không truy cập được.`,
    }),
  );

async function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Nothing is lost and nothing is doubled when the poller process or the IMAP server dies mid-way. */
describe('email intake survives crashes and outages', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Small batches so a kill lands in the middle of the work. No workers: what is tested is that
    // every message becomes durable in the intake queue exactly once (cases are the workers' part,
    // tested in email-intake.test.ts), so a busy shared MongoDB cannot blur the result.
    stack = await startTestStack({ mail: true, gateway: false, worker: false, env: { MAIL_HEADER_BATCH: '40', MAIL_BODY_BATCH: '8' } });
  });
  afterAll(() => stack.close());

  /** Distinct intake jobs (their jobId is derived from the idempotency key). */
  const emailCases = async () => {
    const c = await stack.queueCounts('intake');
    return c.waiting + c.active + c.completed + c.failed + c.delayed;
  };
  const caseSequence = async () => {
    const redis = new Redis(stack.redisUrl);
    try {
      const keys = await redis.keys(`${stack.prefix}:case-seq:*`);
      return keys.length ? Number(await redis.get(keys[0]!)) : 0;
    } finally {
      redis.disconnect();
    }
  };

  it('a poller killed with SIGKILL in the middle of a batch, then restarted: no loss, no duplicate', async () => {
    const before = await emailCases();
    await stack.dovecot.append(complaints(150, 'kill'));
    const first = stack.spawnPoller();
    try {
      await waitFor(
        'the first poller to be part-way through',
        async () => {
          const n = await stack.db.mailMessages.count({});
          return n >= 25 && n < 150 ? n : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 10 },
      );
    } finally {
      await killed(first, 'SIGKILL');
    }
    const atKill = await stack.db.mailMessages.count({});
    expect(atKill).toBeLessThan(150);

    // The dead poller's lock expires (MAIL_LOCK_TTL_MS) and the new one takes the mailbox.
    const second = stack.spawnPoller();
    try {
      await waitFor('all 150 complaints to be durable in the intake queue', async () => (await emailCases()) === before + 150, {
        timeoutMs: 90_000,
        intervalMs: 200,
      });
      await waitFor('every message to be seen', async () => (await stack.dovecot.folderState()).unseen === 0, { timeoutMs: 20_000 });
    } finally {
      await killed(second, 'SIGTERM');
    }
    expect(await stack.db.mailMessages.count({})).toBe(150);
    expect(new Set(await stack.db.mailMessages.model.distinct('idempotencyKey')).size).toBe(150);
    // Every idempotency key got exactly one case number: the per-year counter moved 240 times.
    expect(await caseSequence()).toBe(before + 150);
    expect((await stack.db.mailCheckpoints.get('support', 'INBOX'))!.lastUid).toBe(150);
    expect(second.exitCode).toBe(0); // SIGTERM: a graceful shutdown
  });

  it('the IMAP server stopped and restarted while polling: unhealthy in /readyz, then everything arrives once', async () => {
    const before = await emailCases();
    const poller = await stack.startPoller();
    try {
      await stack.dovecot.append(complaints(80, 'outage'));
      await waitFor('the poller to be busy', async () => (await stack.db.mailMessages.count({})) > 150 + 10, {
        timeoutMs: 30_000,
        intervalMs: 10,
      });
      await stack.dovecot.halt();
      try {
        const down = await waitFor(
          'the mailbox to be reported unhealthy',
          async () => {
            const res = await fetch(`${poller.url}/readyz`);
            const body = readinessBody.parse(await res.json());
            return res.status === 503 && body.mailboxes[0]?.healthy === false ? body : undefined;
          },
          { timeoutMs: 30_000 },
        );
        expect(down.mailboxes[0]).toMatchObject({ mailbox: 'support', healthy: false });
        expect(down.mailboxes[0]!.consecutiveFailures).toBeGreaterThanOrEqual(2);
        expect(await (await fetch(`${poller.url}/metrics`)).text()).toContain('mail_mailbox_healthy{mailbox="support"} 0');
      } finally {
        await stack.dovecot.resume();
      }
      await waitFor('all 80 to be durable in the intake queue', async () => (await emailCases()) === before + 80, {
        timeoutMs: 90_000,
        intervalMs: 200,
      });
      await waitFor('healthy again', () => poller.status()[0]!.healthy, { timeoutMs: 20_000 });
      await waitFor('every message to be seen', async () => (await stack.dovecot.folderState()).unseen === 0, { timeoutMs: 20_000 });
      expect(await stack.db.mailMessages.count({})).toBe(230);
      expect(await caseSequence()).toBe(before + 80);
    } finally {
      await stack.stopPoller();
    }
  });

  it('one poller per mailbox: a second one stands by and takes over when the first stops', async () => {
    const a = await stack.startPoller();
    const b = await stack.startExtraPoller();
    try {
      await waitFor('a to hold the lock', () => a.status()[0]!.lockHeld);
      await waitFor('b to stand by', () => b.status()[0]!.state === 'standby');
      const before = await emailCases();
      await stack.dovecot.append(complaints(10, 'lock-a'));
      await waitFor('10 durable', async () => (await emailCases()) === before + 10, { timeoutMs: 30_000 });
      await stack.stopPoller(); // a releases the lock
      await waitFor('b to take over', () => b.status()[0]!.lockHeld && b.status()[0]!.state === 'polling', { timeoutMs: 10_000 });
      await stack.dovecot.append(complaints(10, 'lock-b'));
      await waitFor('10 more durable', async () => (await emailCases()) === before + 20, { timeoutMs: 30_000 });
      expect(b.metrics.get('mail_messages_total', { mailbox: 'support', outcome: 'published' })).toBe(10);
    } finally {
      await b.close();
    }
  });

  it('uses IDLE: new mail is taken in at once although the poll interval is ten minutes', async () => {
    const poller = await stack.startPoller({ MAIL_POLL_INTERVAL_MS: '600000', MAIL_IDLE_MAX_MS: '600000' });
    try {
      await waitFor('the first sync', () => poller.status()[0]!.lastSyncAt, { timeoutMs: 30_000 });
      // No need to wait for IDLE to begin: mail that arrives before the IDLE command is reported
      // (EXISTS) as soon as it starts.
      const before = await stack.db.mailMessages.count({});
      await stack.dovecot.append(complaints(1, 'idle'));
      // Only the server's EXISTS during IDLE can wake the poller before the ten-minute poll (or IDLE restart).
      await waitFor('the message to be taken in', async () => (await stack.db.mailMessages.count({})) === before + 1, {
        timeoutMs: 60_000,
      });
      expect(poller.status()[0]).toMatchObject({ state: 'polling', healthy: true, consecutiveFailures: 0 });
    } finally {
      await stack.stopPoller();
    }
  });
});
