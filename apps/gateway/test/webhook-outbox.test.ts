import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_HEADERS, type WebhookEvent } from '@cg/contracts';
import { CaseLifecycle, caseWebhookEvents, type CaseActor } from '@cg/core';
import { createRedisConnection, createWebhooksQueue, DurableWebhookEventPublisher, RedisCaseLock } from '@cg/queue';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/** A port nothing listens on (a Redis that refuses every connection). */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The webhook hand-off is durable: a case change committed while Redis refuses its webhook job
 * (the producer's connection points at a closed port) is recorded in MongoDB's webhook outbox, and
 * the worker's relay, on a Redis that answers, queues it — the receiver gets the event once. The
 * lifecycle here is wired as the gateway's and the worker's are (CaseLifecycle → caseWebhookEvents
 * → DurableWebhookEventPublisher); only its webhook producer's Redis is unreachable.
 */
describe('webhook outbox: a case event Redis refused at commit still reaches the receiver, once', () => {
  let stack: TestStack;
  let receiverServer: http.Server;
  const received: Array<{ eventId: string; event: WebhookEvent }> = [];
  let redis: ReturnType<typeof createRedisConnection>;
  let deadRedis: ReturnType<typeof createRedisConnection>;

  beforeAll(async () => {
    receiverServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          eventId: req.headers[WEBHOOK_HEADERS.eventId.toLowerCase()] as string,
          event: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent,
        });
        res.writeHead(204).end();
      });
    });
    receiverServer.listen(0, '127.0.0.1');
    await once(receiverServer, 'listening');
    stack = await startTestStack({ env: { WEBHOOK_OUTBOX_RELAY_MS: '200', WEBHOOK_ATTEMPTS: '4', WEBHOOK_BACKOFF_MS: '150' } });
    redis = createRedisConnection(stack.redisUrl, 'worker');
    deadRedis = createRedisConnection(`redis://127.0.0.1:${await closedPort()}`, 'producer');
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    deadRedis?.disconnect();
    await stack?.close();
    receiverServer.closeAllConnections();
    await new Promise<void>((resolve) => receiverServer.close(() => resolve()));
  });

  it('while no endpoint is registered, case changes leave nothing in the outbox and queue no webhook job', async () => {
    const operator = await stack.tokenFor('hotline_operator');
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Vũ Hà', phone: '0915000777' }, notes: 'Email hosting không nhận được thư.', callId: `c-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    const caseNumber = (res.body as { caseNumber: string }).caseNumber;
    await waitFor('the case', async () => (await stack.api(`/api/v1/cases/${caseNumber}`, { token: operator })).status === 200);
    await waitFor('the intake queue drained', async () => {
      const c = await stack.queueCounts('intake');
      return c.waiting + c.active + c.delayed === 0 && c.completed > 0;
    });
    const webhookJobs = await stack.queueCounts('webhooks');
    expect(Object.values(webhookJobs).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await stack.db.webhookOutbox.pending(0, 10)).toEqual([]);
  });

  it('records the event in MongoDB when the webhook job is refused; the relay queues it; one delivery', async () => {
    const admin = await stack.tokenFor('admin');
    const { port } = receiverServer.address() as AddressInfo;
    const created = await stack.api('/api/v1/admin/webhooks', {
      method: 'POST',
      token: admin,
      json: { url: `http://127.0.0.1:${port}/hooks`, events: [...WEBHOOK_EVENT_TYPES], description: 'CRM' },
    });
    expect(created.status).toBe(201);
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: await stack.tokenFor('hotline_operator'),
      json: { caller: { name: 'Vũ Lan', phone: '0915000666' }, notes: 'Tên miền hết hạn dù đã gia hạn.', callId: `c-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    const caseNumber = (res.body as { caseNumber: string }).caseNumber;
    // The ordinary path first: the case's received event arrives, and leaves nothing in the outbox.
    await waitFor('case.received at the receiver', () => received.some((r) => r.event.case.caseNumber === caseNumber), {
      timeoutMs: 30_000,
    });

    const refused: Array<{ eventId: string; recorded: boolean }> = [];
    const deadQueue = createWebhooksQueue(deadRedis, stack.prefix, { failFast: true });
    deadQueue.on('error', () => undefined); // connection refused, again and again: the point of the test
    const publisher = new DurableWebhookEventPublisher(deadQueue, stack.db.webhookOutbox, (_err, event, recorded) =>
      refused.push({ eventId: event.id, recorded }),
    );
    const lifecycle = new CaseLifecycle({
      store: stack.db.cases,
      lock: new RedisCaseLock(redis, { prefix: stack.prefix }),
      onCommitted: (change) => publisher.publish(caseWebhookEvents(change, new Date())),
    });
    const supervisor: CaseActor = { kind: 'staff', id: randomUUID(), name: 'Supervisor', role: 'supervisor', email: 'sup@test.local' };
    const escalated = await lifecycle.escalate(caseNumber, supervisor, { reason: 'Khách hàng doanh nghiệp lớn, cần quyết định.' });
    expect(escalated.changed).toBe(true);
    const eventId = `${caseNumber}.${escalated.case.version}.escalated`;

    // Redis refused the job; the event is in the outbox.
    await waitFor('the refusal reported', () => refused.find((r) => r.eventId === eventId));
    expect(refused.find((r) => r.eventId === eventId)).toEqual({ eventId, recorded: true });
    await publisher.close();

    // The worker's relay (Redis answering) queues it: it arrives, and its row leaves the outbox.
    const arrived = await waitFor('case.escalated at the receiver', () => received.find((r) => r.eventId === eventId), {
      timeoutMs: 30_000,
    });
    expect(arrived.event).toMatchObject({ type: 'case.escalated', case: { caseNumber, escalated: true } });
    await waitFor('the outbox empty', async () => (await stack.db.webhookOutbox.count()) === 0, { timeoutMs: 15_000 });
    expect(received.filter((r) => r.eventId === eventId)).toHaveLength(1);
    expect(await stack.db.webhookDeliveries.list({ eventId, limit: 10 })).toHaveLength(1);
  }, 90_000);
});
