import { ScratchRedis, waitFor, startTestStack, type TestStack } from '@cg/testing';
import { TestVisitor } from './support/livechat-clients';

jest.setTimeout(90_000);

/**
 * A visitor's complaint stored while intake failed (Redis down: the message is kept in MongoDB and
 * the visitor told to retry), and the visitor never comes back: the worker's livechat intake sweep
 * (maintenance queue) opens its case once Redis is back — exactly one case, under the conversation
 * id, and one receipt in the chat — with no visitor connected to retry.
 */
describe('livechat intake sweep: a complaint whose visitor left still becomes a case', () => {
  let redis: ScratchRedis;
  let stack: TestStack;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    stack = await startTestStack({
      env: { REDIS_URL: redis.url, INTAKE_TIMEOUT_MS: '500', LIVECHAT_INTAKE_SWEEP_MS: '300', LIVECHAT_INTAKE_SWEEP_AFTER_MS: '1000' },
    });
  });

  afterAll(async () => {
    await redis.resume().catch(() => undefined);
    await stack?.close();
    await redis?.stop();
  });

  it('opens one case for the stored complaint after Redis is back, with no visitor to retry', async () => {
    const v = (await TestVisitor.start(stack.url)).connect();
    await v.connected();
    await redis.crash();
    const clientMessageId = 'sweep-0000-0001';
    const text = 'Email doanh nghiệp không nhận được thư từ hôm qua.';
    const during = await v.emitSend({ clientMessageId, text }, 15_000);
    expect(during).toMatchObject({ ok: false, error: { code: 'intake_unavailable', retryable: true } });
    expect(await stack.db.conversations.countMessages(v.conversationId, { messageId: clientMessageId })).toBe(1);
    // The visitor closes the page: nobody will send it again.
    v.close();

    await redis.resume();
    const conversation = await waitFor(
      'the conversation linked to a case by the sweep',
      async () => {
        const c = await stack.db.conversations.findById(v.conversationId);
        return c?.caseNumber ? c : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 300 },
    );
    const caseNumber = conversation.caseNumber!;
    const record = await waitFor('the case', () => stack.db.cases.findByCaseNumber(caseNumber), { timeoutMs: 20_000 });
    expect(record).toMatchObject({ channel: 'livechat', idempotencyKey: v.conversationId });
    expect(record.bodyText).toContain('Email doanh nghiệp');
    expect(await stack.db.cases.count({ channel: 'livechat', idempotencyKey: v.conversationId })).toBe(1);
    // One receipt in the chat (the worker's persister writes it into MongoDB; it may link the case first).
    const receipts = await waitFor('the receipt message in MongoDB', async () => {
      const all = await stack.db.conversations.messagesAfter(v.conversationId, 0, 50);
      const found = all.filter((m) => m.type === 'receipt');
      return found.length ? found : undefined;
    });
    expect(receipts.map((m) => m.messageId)).toEqual([`receipt-${caseNumber}`]);
    // The receipt states the deadline the worker computed for that day.
    const linked = await stack.db.conversations.findById(v.conversationId);
    expect(linked!.receipt).toMatchObject({ caseNumber, dueDate: record.deadlines.target.dueDate });
  });

  it('the gateway’s own intake (the same LivechatIntake) still answers a complaint with its receipt at once', async () => {
    const v = (await TestVisitor.start(stack.url)).connect();
    try {
      await v.connected();
      const ack = await v.send('Tên miền không phân giải được từ sáng nay.');
      expect(ack.receipt!.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
      expect(ack.receipt!.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await waitFor('its case', () => stack.db.cases.findByCaseNumber(ack.receipt!.caseNumber), { timeoutMs: 20_000 });
    } finally {
      v.close();
    }
  });
});
