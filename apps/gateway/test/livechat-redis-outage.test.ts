import { ScratchRedis, waitFor, startTestStack, type TestStack } from '@cg/testing';
import { TestVisitor } from './support/livechat-clients';

jest.setTimeout(60_000);

/**
 * Redis goes away while a visitor sends the complaint: the message is kept in MongoDB (the
 * fallback of the durable append), the visitor is told to retry (no receipt without a durable
 * intake envelope), and the retry after Redis is back is known as a repeat and opens exactly one case.
 */
describe('livechat while Redis is down', () => {
  let redis: ScratchRedis;
  let stack: TestStack;
  const clients: TestVisitor[] = [];

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    stack = await startTestStack({ env: { REDIS_URL: redis.url, INTAKE_TIMEOUT_MS: '500' } });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await redis.resume().catch(() => undefined);
    await stack?.close();
    await redis?.stop();
  });

  it('keeps the message, answers "retry", and the retry opens one case once Redis is back', async () => {
    const v = (await TestVisitor.start(stack.url)).connect();
    clients.push(v);
    await v.connected();

    await redis.crash();
    const clientMessageId = 'outage-0000-0001';
    const during = await v.emitSend({ clientMessageId, text: 'Hosting bị lỗi, website không vào được từ sáng.' }, 15_000);
    expect(during).toMatchObject({ ok: false, error: { code: 'intake_unavailable', retryable: true } });
    // Saved all the same (its seq came from MongoDB while Redis was away).
    expect(await stack.db.conversations.countMessages(v.conversationId, { messageId: clientMessageId })).toBe(1);

    await redis.resume();
    const ack = await waitFor(
      'the retry to succeed',
      async () => {
        const r = await v.emitSend({ clientMessageId, text: 'Hosting bị lỗi, website không vào được từ sáng.' }).catch(() => undefined);
        return r?.ok ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(ack.duplicate).toBe(true);
    expect(ack.receipt!.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    expect(await stack.db.conversations.countMessages(v.conversationId, { messageId: clientMessageId })).toBe(1);
    await waitFor('the case', async () => (await stack.db.cases.count({ channel: 'livechat', idempotencyKey: v.conversationId })) === 1, {
      timeoutMs: 20_000,
    });
    // A follow-up message lands after the complaint and the receipt, with no seq reused.
    const next = await v.send('Tôi đã thử khởi động lại VPS nhưng không được.');
    // (Acknowledged once durable in Redis again; the worker writes it into MongoDB.)
    const stored = await waitFor('the follow-up in MongoDB', async () => {
      const all = await stack.db.conversations.messagesAfter(v.conversationId, 0, 50);
      return all.some((m) => m.messageId === next.message.id) ? all : undefined;
    });
    expect(new Set(stored.map((m) => m.seq)).size).toBe(stored.length);
    expect(next.message.seq).toBe(Math.max(...stored.map((m) => m.seq)));
  });
});
