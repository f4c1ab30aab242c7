import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { Cluster } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { commonEnvSchema } from '@cg/config';
import { CASE_EVENTS, CASE_EVENTS_NAMESPACE, type CaseChangedEvent } from '@cg/contracts';
import type { RunningGateway } from '@cg/gateway';
import { createRedisConnection, type RedisClient } from '@cg/queue';
import type { RunningWorkers } from '@cg/worker';
import { ScratchRedisCluster, startTestStack, waitFor, type TestStack } from '@cg/testing';
import { TestAgent, TestVisitor } from './support/livechat-clients';

/**
 * Scale-out on the engines we already use (`npm run test:cluster`): a real 3-master Redis Cluster
 * (Debian's redis-server, cluster mode, AOF) on loopback, two gateways and two worker sets on it,
 * the real FerretDB. Complaints submitted through either gateway become exactly one case each,
 * every intake job is done by exactly one worker (both take part), and a livechat visitor on
 * gateway A and an agent on gateway B talk both ways.
 */
jest.setTimeout(120_000);

describe('scale-out on a 3-master Redis Cluster: two gateways, two workers', () => {
  let cluster: ScratchRedisCluster;
  let stack: TestStack;
  let gatewayB: RunningGateway;
  let workersB: RunningWorkers;
  let urlA: string;
  let urlB: string;
  let raw: RedisClient;
  let operator: string;
  const clients: Array<{ close(): void }> = [];
  const sockets: Socket[] = [];
  /** Intake jobs completed, per worker set. */
  const done = { A: [] as string[], B: [] as string[] };

  beforeAll(async () => {
    cluster = await ScratchRedisCluster.start(3);
    // A generous intake timeout: a burst on a busy test machine must not turn into 503s (not what this test is about).
    stack = await startTestStack({ env: { REDIS_URL: cluster.url, INTAKE_TIMEOUT_MS: '15000' } });
    gatewayB = await stack.startGateway();
    workersB = await stack.startExtraWorkers();
    urlA = stack.url;
    urlB = `http://127.0.0.1:${(gatewayB.server.address() as { port: number }).port}`;
    stack.workers!.intake.on('completed', (job: Job) => done.A.push(job.id!));
    workersB.intake.on('completed', (job: Job) => done.B.push(job.id!));
    raw = createRedisConnection(cluster.url, 'worker');
    operator = await stack.tokenFor('hotline_operator');
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    sockets.forEach((s) => s.disconnect());
    raw?.disconnect();
    await stack?.close();
    await cluster?.stop();
  });

  const call = (callId = `call-${randomUUID()}`) => ({
    caller: { name: 'Trần Thị Bình', phone: '0903 111 222', email: 'binh@example.vn' },
    notes: 'Hosting của tôi báo lỗi 500 từ sáng nay, website bán hàng không vào được.',
    callId,
  });
  const submit = async (url: string, body: ReturnType<typeof call>) => {
    const res = await fetch(`${url}/api/v1/hotline/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { caseNumber: string; duplicate: boolean };
    if (res.status !== 202) throw new Error(`hotline call refused: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const casesOf = (callId: string) => stack.db.cases.count({ channel: 'hotline', idempotencyKey: callId });
  const allCased = (callIds: string[]) =>
    waitFor(`${callIds.length} cases`, async () => (await Promise.all(callIds.map(casesOf))).every((n) => n >= 1), { timeoutMs: 60_000 });

  it('runs on a real cluster: three masters share the slots, and both gateways are ready on it', async () => {
    expect(raw).toBeInstanceOf(Cluster);
    await waitFor('cluster client ready', () => raw.status === 'ready');
    const masters = (raw as Cluster).nodes('master');
    expect(masters).toHaveLength(3);
    const slots = (await raw.cluster('SLOTS')) as Array<[number, number, ...unknown[]]>;
    expect(slots.reduce((n, [from, to]) => n + to - from + 1, 0)).toBe(16384);
    for (const url of [urlA, urlB]) {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
    }
  });

  it('hotline complaints through either gateway: one case each, one number per call id, each job done once by one of the two workers', async () => {
    // Live case updates (Redis pub/sub on the cluster) reach a supervisor's console on each gateway.
    const supervisor = await stack.tokenFor('supervisor');
    const heard = { A: new Set<string>(), B: new Set<string>() };
    for (const [node, url] of [
      ['A', urlA],
      ['B', urlB],
    ] as const) {
      const socket = io(`${url}${CASE_EVENTS_NAMESPACE}`, { auth: { token: supervisor }, transports: ['websocket'], forceNew: true });
      socket.on(CASE_EVENTS.changed, (e: CaseChangedEvent) => heard[node].add(e.caseNumber));
      sockets.push(socket);
      await waitFor(`staff socket on ${node}`, () => socket.connected);
    }

    // Worker set B paused: A takes these.
    await workersB.intake.pause();
    const first = Array.from({ length: 3 }, () => call());
    for (const [i, body] of first.entries()) await submit(i % 2 ? urlB : urlA, body);
    await allCased(first.map((b) => b.callId));
    // A paused, B resumed: B takes these.
    await stack.workers!.intake.pause();
    await workersB.intake.resume();
    const second = Array.from({ length: 3 }, () => call());
    for (const [i, body] of second.entries()) await submit(i % 2 ? urlA : urlB, body);
    await allCased(second.map((b) => b.callId));
    await stack.workers!.intake.resume();

    // Both running: a burst through both gateways, each call sent twice at once (A and B).
    const burst = Array.from({ length: 12 }, () => call());
    const answers = await Promise.all(burst.flatMap((body) => [submit(urlA, body), submit(urlB, body)]));
    for (let i = 0; i < burst.length; i++) {
      const [a, b] = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(a.caseNumber).toBe(b.caseNumber);
      expect([a.duplicate, b.duplicate].filter((d) => !d)).toHaveLength(1);
    }
    const callIds = [...first, ...second, ...burst].map((b) => b.callId);
    await allCased(callIds);
    await waitFor('every intake job completed', () => done.A.length + done.B.length >= callIds.length, { timeoutMs: 30_000 });

    // Exactly one case per call, the number the caller was given.
    for (const callId of callIds) expect(await casesOf(callId)).toBe(1);
    expect(await stack.db.cases.count({ channel: 'hotline' })).toBe(callIds.length);
    const numbers = new Set(answers.map((a) => a.caseNumber));
    expect(numbers.size).toBe(burst.length);
    for (const n of numbers) expect((await stack.db.cases.findByCaseNumber(n))?.caseNumber).toBe(n);
    // Every new case was announced to the consoles on both gateways (pub/sub across the cluster).
    const created = await Promise.all(callIds.map(async (id) => (await stack.db.cases.findByIdempotencyKey('hotline', id))!.caseNumber));
    await waitFor('every new case at both consoles', () => created.every((n) => heard.A.has(n) && heard.B.has(n)), { timeoutMs: 30_000 });
    // Each job ran once, on one worker; the first calls on A, the next on B.
    const all = [...done.A, ...done.B];
    expect(all).toHaveLength(callIds.length);
    expect(new Set(all).size).toBe(callIds.length);
    expect(done.A.length).toBeGreaterThanOrEqual(first.length);
    expect(done.B.length).toBeGreaterThanOrEqual(second.length);
    expect(await stack.queueCounts('intake')).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: callIds.length });
    // The jobs and counters are in the cluster, all in the prefix's hash slot on one master; the shared
    // standalone Redis has none of them.
    const slot = await raw.cluster('KEYSLOT', stack.prefix);
    const holders = await Promise.all((raw as Cluster).nodes('master').map((m) => m.keys(`${stack.prefix}:*`)));
    expect(holders.filter((keys) => keys.length > 0)).toHaveLength(1);
    const ours = holders.flat();
    expect(ours).toEqual(expect.arrayContaining([`${stack.prefix}:intake:meta`]));
    for (const key of ours) expect(await raw.cluster('KEYSLOT', key)).toBe(slot);
    const standalone = createRedisConnection(commonEnvSchema.parse(process.env).REDIS_URL, 'worker');
    try {
      expect(await standalone.exists(`${stack.prefix}:intake:meta`)).toBe(0);
    } finally {
      standalone.disconnect();
    }
  });

  it('livechat across gateways: visitors on A and the agent on B talk both ways; one case per conversation', async () => {
    const agentToken = await stack.tokenFor('cs_agent');
    const agent = new TestAgent(urlB, agentToken);
    clients.push(agent);
    await agent.connected();

    const visitors = [await TestVisitor.start(urlA), await TestVisitor.start(urlA, { name: 'Lê Văn Cường', email: 'cuong@example.vn' })];
    clients.push(...visitors);
    for (const v of visitors) await v.connect().connected();
    await waitFor('presence: an agent is online (agent on B, visitors on A)', () => visitors.every((v) => v.state?.agentsOnline));

    for (const v of visitors) {
      const first = await v.send('Email công ty không nhận được thư từ hôm qua, bản ghi MX có vẻ sai.');
      expect(first.receipt!.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
      await waitFor('agent on B gets the visitor message from A', () => agent.messageEvents.find((m) => m.id === first.message.id));

      const reply = await agent.reply(v.conversationId, 'Chào anh/chị, em đang kiểm tra bản ghi MX ạ.');
      expect(reply.ok).toBe(true);
      const replyId = reply.ok ? reply.message.id : '';
      await waitFor('visitor on A gets the reply from B', () => v.messages.get(replyId));

      // The visitor comes back through gateway B (no sticky session): a retry of the first message is
      // the same message, and the conversation goes on from there.
      await v.connect(urlB).connected();
      const again = await v.emitSend({ clientMessageId: first.message.id, text: 'lặp lại' });
      expect(again.ok && again.duplicate).toBe(true);

      const second = await v.send('Tên miền là cuong-shop.vn.');
      expect(second.message.seq).toBeGreaterThan(first.message.seq);
      await waitFor('agent gets the second message', () => agent.messageEvents.find((m) => m.id === second.message.id));

      // Durable in the cluster, persisted by one of the two workers: each message once in MongoDB, one case.
      for (const id of [first.message.id, replyId, second.message.id]) {
        await waitFor(
          `message ${id} in MongoDB`,
          async () => (await stack.db.conversations.countMessages(v.conversationId, { messageId: id })) > 0,
        );
        expect(await stack.db.conversations.countMessages(v.conversationId, { messageId: id })).toBe(1);
      }
      await waitFor('the conversation names its case', async () => (await stack.db.conversations.findById(v.conversationId))?.caseNumber);
      expect((await stack.db.conversations.findById(v.conversationId))!.caseNumber).toBe(first.receipt!.caseNumber);
      expect(await stack.db.cases.count({ channel: 'livechat', idempotencyKey: v.conversationId })).toBe(1);
    }
    expect(await stack.db.cases.count({ channel: 'livechat' })).toBe(visitors.length);
  });
});
