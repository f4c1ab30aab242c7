import { waitFor } from '@cg/testing';
import { MailStack } from './support/mail-stack';
import { buildMail, newMessageId } from './support/messages';

jest.setTimeout(180_000);

/** A day's backlog waiting when the poller starts: all of it made durable once, in bounded batches. */
describe('a 1,000-message backlog', () => {
  let stack: MailStack;
  beforeAll(async () => {
    // No workers: this measures the channel adapter's part (durable in the intake queue).
    stack = await MailStack.start({ poller: false, workers: false });
  });
  afterAll(() => stack.close());

  it('is taken in completely, exactly once, and acknowledged on the server', async () => {
    const ids = Array.from({ length: 1000 }, () => newMessageId());
    await stack.dovecot.append(
      ids.map((messageId, i) =>
        buildMail({
          messageId,
          from: `backlog${i}@customer.example`,
          subject: `Tồn đọng ${i}`,
          text: `Hosting số ${i} chậm, xin kiểm tra.`,
        }),
      ),
    );
    const started = Date.now();
    const poller = await stack.startPoller();
    const counts = await waitFor(
      '1,000 intake jobs',
      async () => {
        const c = await stack.queueCounts('intake');
        return c.waiting + c.active + c.completed + c.failed + c.delayed >= 1000 ? c : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 250 },
    );
    const elapsed = (Date.now() - started) / 1000;
    expect(counts.waiting).toBe(1000);
    await waitFor('every message to be seen', async () => (await stack.dovecot.folderState()).unseen === 0, { timeoutMs: 30_000 });
    expect(await stack.db.mailMessages.count({})).toBe(1000);
    expect(new Set(await stack.db.mailMessages.model.distinct('messageKey')).size).toBe(1000);
    expect((await stack.db.mailCheckpoints.get('support', 'INBOX'))!.lastUid).toBe(1000);
    expect(poller.metrics.get('mail_messages_total', { mailbox: 'support', outcome: 'published' })).toBe(1000);

    console.log(`backlog of 1,000 durable in the intake queue after ${elapsed.toFixed(1)} s (${(1000 / elapsed).toFixed(0)} msg/s)`);
  });
});
