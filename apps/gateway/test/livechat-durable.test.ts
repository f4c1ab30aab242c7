import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RunningGateway } from '@cg/gateway';
import { livechatKeys } from '@cg/livechat';
import { freePort, ScratchRedis, startTestStack, waitFor, type TestStack } from '@cg/testing';
import { TestAgent, TestVisitor } from './support/livechat-clients';

jest.setTimeout(60_000);

/**
 * Livechat's "durable first, database after": a message is acknowledged once Redis (AOF) holds
 * it, and a worker writes MongoDB later. The stack runs with no worker until the last step, so
 * every acknowledged message sits between the acknowledgement and the database write while the
 * gateway restarts, Redis restarts (killed, AOF replayed) and a worker dies holding the
 * messages; then a worker comes and every message is in MongoDB exactly once. Throughout, a
 * client that (re)connects gets everything it missed, Redis-only messages included, once each.
 */
describe('livechat: acknowledged in Redis, written to MongoDB by a worker, across restarts', () => {
  let redis: ScratchRedis;
  let stack: TestStack;
  let nodeR: RunningGateway | undefined;
  let port: number;
  let urlR: string;
  let v: TestVisitor;
  let raw: Redis;
  const clients: Array<{ close(): void }> = [];
  /** Every acknowledged message: id → seq it was acknowledged with. */
  const acked = new Map<string, number>();
  let caseNumber = '';

  const tab = async (url: string, lastSeq = 0) => {
    const t = new TestVisitor(url, v.token, v.conversationId);
    t.lastSeq = lastSeq;
    clients.push(t);
    return t.connect().connected();
  };
  const sendAndRecord = async (text: string) => {
    const ack = await v.send(text);
    acked.set(ack.message.id, ack.message.seq);
    return ack;
  };
  const inMongo = (messageId: string) => stack.db.conversations.countMessages(v.conversationId, { messageId });
  /** The client shows every acknowledged message exactly once (by id and by seq). */
  const expectWhole = async (t: TestVisitor) => {
    await waitFor('every acknowledged message', () => [...acked.keys()].every((id) => t.messages.has(id)));
    for (const [id, seq] of acked) expect(t.messages.get(id)!.seq).toBe(seq);
    const seqs = [...t.messages.values()].map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  };

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    stack = await startTestStack({ env: { REDIS_URL: redis.url, INTAKE_TIMEOUT_MS: '1000' }, worker: false });
    port = await freePort();
    urlR = `http://127.0.0.1:${port}`;
    nodeR = await stack.startGateway({ PORT: String(port) });
    raw = new Redis(redis.url, { maxRetriesPerRequest: null });
    raw.on('error', () => undefined);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    v?.close();
    raw?.disconnect();
    await nodeR?.close();
    await stack?.close();
    await redis?.stop();
  });

  it('acknowledges the complaint with its case number and deadline, and follow-ups, before any worker wrote MongoDB', async () => {
    v = (await TestVisitor.start(urlR)).connect();
    await v.connected();
    const first = await sendAndRecord('Tên miền của tôi bị khoá dù đã gia hạn; website ngừng hoạt động.');
    expect(first.receipt!.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    expect(first.receipt!.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    caseNumber = first.receipt!.caseNumber;
    // U+0000 is dropped before the acknowledgement (FerretDB's jsonb could never store it).
    expect((await sendAndRecord('Mã đơn hàng\u0000 DH-2026-7.')).message.text).toBe('Mã đơn hàng DH-2026-7.');
    // No worker runs: MongoDB has none of them, Redis has them all.
    for (const id of acked.keys()) expect(await inMongo(id)).toBe(0);
    expect(await raw.hlen(livechatKeys(stack.prefix).inbox(v.conversationId))).toBeGreaterThanOrEqual(3); // + the receipt
    // A new tab gets the whole conversation from Redis, the receipt included.
    const t = await tab(urlR);
    await expectWhole(t);
    expect([...t.messages.values()].find((m) => m.type === 'receipt')?.data).toMatchObject({ caseNumber });
    expect(t.state?.receipt?.caseNumber).toBe(caseNumber);
    // A repeat of an acknowledged id is the same message.
    const again = await v.emitSend({ clientMessageId: first.message.id, text: 'other text' });
    expect(again).toMatchObject({ ok: true, duplicate: true, message: { seq: first.message.seq, text: first.message.text } });
  });

  it('the gateway restarts between the acknowledgement and the database write: nothing lost, nothing doubled', async () => {
    const agent = new TestAgent(stack.url, await stack.tokenFor('cs_agent'));
    clients.push(agent);
    await agent.connected();
    await sendAndRecord('Gửi ngay trước khi máy chủ khởi động lại.');
    const seenBefore = v.lastSeq;
    const closing = nodeR!.close();
    await waitFor('visitor to notice the restart', () => !v.socket!.connected);
    const whileDown = v.send('Gửi khi máy chủ đang tắt.');
    await closing;
    nodeR = await stack.startGateway({ PORT: String(port) });
    const down = await whileDown;
    acked.set(down.message.id, down.message.seq);
    expect(down.message.seq).toBeGreaterThan(seenBefore);
    await expectWhole(v);
    // The agent on the other node opens the conversation: Redis-only messages included.
    const opened = await agent.request<{ messages: Array<{ id: string; seq: number }> }>('conversation:open', {
      conversationId: v.conversationId,
    });
    expect(opened.ok).toBe(true);
    const ids = opened.ok ? opened.messages.map((m) => m.id) : [];
    for (const id of acked.keys()) expect(ids.filter((x) => x === id)).toHaveLength(1);
    for (const id of acked.keys()) expect(await inMongo(id)).toBe(0);
  });

  it('Redis is killed and restarted between the acknowledgement and the database write: the AOF keeps every message', async () => {
    await sendAndRecord('Gửi ngay trước khi Redis bị tắt.');
    v.close();
    await redis.crash();
    await redis.resume();
    // Reconnecting as a tab that has seen nothing: every message comes from Redis (replayed from its AOF).
    v.lastSeq = 0;
    v.messages.clear();
    v.connect();
    await v.connected();
    await expectWhole(v);
    // And the conversation goes on, its seqs after the ones given before the restart.
    const after = await waitFor(
      'a message once Redis is back',
      async () => {
        const r = await v.emitSend({ clientMessageId: randomUUID(), text: 'Sau khi Redis khởi động lại.' }).catch(() => undefined);
        return r?.ok ? r : undefined;
      },
      { intervalMs: 300 },
    );
    acked.set(after.message.id, after.message.seq);
    expect(after.message.seq).toBeGreaterThan(Math.max(...[...acked.values()].filter((s) => s !== after.message.seq)));
  });

  it('a worker dies holding the messages; the next worker writes each into MongoDB exactly once, and the case', async () => {
    const { stream } = livechatKeys(stack.prefix);
    // A worker that read every entry and died before writing anything.
    await raw.xgroup('CREATE', stream, 'persist', '0', 'MKSTREAM').catch(() => undefined);
    const taken = (await raw.xreadgroup('GROUP', 'persist', 'dead-worker', 'COUNT', 1000, 'STREAMS', stream, '>')) as Array<
      [string, unknown[]]
    > | null;
    expect(taken?.[0]?.[1].length).toBeGreaterThanOrEqual(acked.size);

    await stack.startWorkers();
    // Its entries are taken over once idle (ChatPersister claimIdleMs) and written.
    await waitFor(
      'every acknowledged message in MongoDB',
      async () => {
        for (const id of acked.keys()) if ((await inMongo(id)) === 0) return false;
        return true;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    const stored = await stack.db.conversations.messagesAfter(v.conversationId, 0, 200);
    for (const [id, seq] of acked) {
      expect(stored.filter((m) => m.messageId === id)).toHaveLength(1);
      expect(stored.find((m) => m.messageId === id)!.seq).toBe(seq);
    }
    expect(new Set(stored.map((m) => m.seq)).size).toBe(stored.length);
    expect(stored.filter((m) => m.type === 'receipt')).toHaveLength(1);
    // The receipt's worker linked the conversation to its case; intake made the case once.
    await waitFor('conversation linked', async () => (await stack.db.conversations.findById(v.conversationId))?.caseNumber === caseNumber);
    await waitFor('the case', async () => (await stack.db.cases.count({ channel: 'livechat', idempotencyKey: v.conversationId })) === 1);
    // Nothing left behind in Redis: the inbox is empty and no entry is pending.
    await waitFor('inbox emptied', async () => (await raw.hlen(livechatKeys(stack.prefix).inbox(v.conversationId))) === 0);
    await waitFor('no entry pending', async () => Number(((await raw.xpending(stream, 'persist')) as [number])[0]) === 0);
    // A late repeat of a persisted message is still that message.
    const [firstId, firstSeq] = [...acked.entries()][0]!;
    const again = await v.emitSend({ clientMessageId: firstId, text: 'late retry' });
    expect(again).toMatchObject({ ok: true, duplicate: true, message: { seq: firstSeq } });
    expect(await inMongo(firstId)).toBe(1);
  });
});
