import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_HEADERS, type WebhookDeliveryView, type WebhookEndpointView, type WebhookEvent } from '@cg/contracts';
import { verifyWebhookSignature } from '@cg/core';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A CRM's webhook receiver on loopback (plain http on 127.0.0.1: allowed because the stack runs
 * with NODE_ENV=test; production takes https to public addresses only). `mode`: answer 204, answer
 * 503, or be down (the server closed: connection refused), and come back on the same port.
 */
class Receiver {
  readonly received: Received[] = [];
  mode: 'ok' | 'error' = 'ok';
  private server: http.Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.mode === 'error') {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
          return;
        }
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/complaints`;
  }

  eventsOf(caseNumber: string): WebhookEvent[] {
    return this.received.map((r) => JSON.parse(r.body) as WebhookEvent).filter((e) => e.case.caseNumber === caseNumber);
  }
}

/**
 * Webhooks on the real stack (gateway, workers, Redis, FerretDB) with a receiver on loopback: an
 * admin registers an endpoint, a case walked through its lifecycle arrives as signed events
 * (received, routed, escalated, answered, closed, reopened) without internal notes; a receiver
 * that is down for a while gets the event after retries; one that keeps failing gets its endpoint
 * disabled and the admins a notice (and a metric); a delivery is re-sent; bad input 400 naming the
 * fields; other roles 403.
 */
describe('webhooks: signed case events, retries, disabling, re-send', () => {
  let stack: TestStack;
  const receiver = new Receiver();
  let admin: string;
  let operator: string;
  let agent: string;
  let supervisor: string;
  let endpoint: WebhookEndpointView;
  let secret: string;

  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
        // Fast retries for the test: 4 tries, 150 ms doubling (with jitter), 2 final failures in a row disable.
        WEBHOOK_ATTEMPTS: '4',
        WEBHOOK_BACKOFF_MS: '150',
        WEBHOOK_TIMEOUT_MS: '3000',
        WEBHOOK_DISABLE_AFTER_FAILURES: '2',
      },
    });
    [admin, operator, agent, supervisor] = await Promise.all([
      stack.tokenFor('admin'),
      stack.tokenFor('hotline_operator'),
      stack.tokenFor('cs_agent'),
      stack.tokenFor('supervisor'),
    ]);
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await stack?.close();
  });

  const api = (method: string, path: string, token: string, json?: unknown) =>
    stack.api(path, { method, token, ...(json !== undefined ? { json } : {}) });
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
  const deliveries = async (query: string) =>
    (await api('GET', `/api/v1/admin/webhooks/deliveries?${query}`, admin)).body.items as WebhookDeliveryView[];
  const endpointNow = async () => (await api('GET', `/api/v1/admin/webhooks/${endpoint.id}`, admin)).body as WebhookEndpointView;

  async function hotlineCase(notes: string): Promise<string> {
    const res = await api('POST', '/api/v1/hotline/calls', operator, {
      caller: { name: 'Trần Bình', phone: '0911000111' },
      notes,
      callId: `c-${randomUUID()}`,
    });
    expect(res.status).toBe(202);
    const caseNumber = res.body.caseNumber as string;
    await waitFor(`case ${caseNumber}`, async () => (await api('GET', `/api/v1/cases/${caseNumber}`, operator)).status === 200);
    return caseNumber;
  }

  it('registers an endpoint: the secret is answered once and never listed', async () => {
    const created = await api('POST', '/api/v1/admin/webhooks', admin, {
      url: receiver.url,
      events: [...WEBHOOK_EVENT_TYPES],
      description: 'CRM',
    });
    expect(created.status).toBe(201);
    endpoint = created.body.endpoint;
    secret = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect(endpoint).toMatchObject({ url: receiver.url, enabled: true, consecutiveFailures: 0, needsAttention: false });
    const list = await api('GET', '/api/v1/admin/webhooks', admin);
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: WebhookEndpointView) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(JSON.stringify((await api('GET', `/api/v1/admin/webhooks/${endpoint.id}`, admin)).body)).not.toContain(secret);
  });

  it('a case walked through its lifecycle arrives as signed events, without internal notes or contact details', async () => {
    const caseNumber = await hotlineCase('Hosting báo lỗi 500, website không truy cập được từ sáng.');
    let c = (await api('GET', `/api/v1/cases/${caseNumber}`, operator)).body;
    if (c.status === 'triage') {
      expect((await api('PATCH', `/api/v1/cases/${caseNumber}/classification`, agent, { department: 'hosting' })).status).toBe(200);
    }
    const secretNote = `GHI-CHU-NOI-BO-${randomUUID()}`;
    const step = async (path: string, token: string, json: unknown) => {
      const res = await api('POST', `/api/v1/cases/${caseNumber}/${path}`, token, json);
      expect([path, res.status]).toEqual([path, 200]);
    };
    await step('notes', agent, { text: secretNote });
    await step('escalate', agent, { reason: 'Khách hàng doanh nghiệp, cần cấp trên quyết định.' });
    await step('resolve-on-contact', supervisor, { note: 'Đã khởi động lại dịch vụ, khách đồng ý.' });
    await step('close', agent, { rootCause: 'our_system_fault', lessonLearned: 'Theo dõi dịch vụ web.', customerAccepted: true });
    await step('reopen', supervisor, { reason: 'Khách báo lỗi lại sau một giờ.' });
    c = (await api('GET', `/api/v1/cases/${caseNumber}`, operator)).body;
    expect(c.status).toBe('reopened');

    const expected = ['case.received', 'case.routed', 'case.escalated', 'case.answered', 'case.closed', 'case.reopened'];
    const events = await waitFor('six events delivered', () => {
      const got = receiver.eventsOf(caseNumber);
      return got.length >= expected.length ? got : undefined;
    });
    // Deliveries run in parallel: order by the case version each event carries.
    events.sort((a, b) => a.case.version - b.case.version || expected.indexOf(a.type) - expected.indexOf(b.type));
    expect(events.map((e) => e.type)).toEqual(expected);
    expect(new Set(events.map((e) => e.id)).size).toBe(expected.length);
    expect(events.at(-1)).toMatchObject({
      action: 'reopen',
      case: { caseNumber, status: 'reopened', reopenCount: 1 },
      previous: { status: 'closed' },
    });

    for (const r of receiver.received.filter((x) => x.body.includes(caseNumber))) {
      const header = r.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(secret, r.body, header)).toBe(true);
      // A wrong secret or an altered body does not verify.
      expect(verifyWebhookSignature(`${secret}x`, r.body, header)).toBe(false);
      expect(verifyWebhookSignature(secret, r.body.replace(caseNumber, 'KN00-00000'), header)).toBe(false);
      const event = JSON.parse(r.body) as WebhookEvent;
      expect(r.headers[WEBHOOK_HEADERS.eventId.toLowerCase()]).toBe(event.id);
      expect(r.headers[WEBHOOK_HEADERS.eventType.toLowerCase()]).toBe(event.type);
      expect(r.headers[WEBHOOK_HEADERS.deliveryId.toLowerCase()]).toMatch(/^[0-9a-f]{24}$/);
      expect(r.body).not.toContain(secretNote);
      expect(r.body).not.toContain('0911000111');
      expect(r.body).not.toContain('journal');
    }
    // Recorded: one delivery per event, each delivered on its first try.
    const recorded = (await deliveries(`endpointId=${endpoint.id}&limit=200`)).filter((d) => d.caseNumber === caseNumber);
    expect(recorded.map((d) => [d.eventType, d.status, d.attempts, d.responseCode]).sort()).toEqual(
      expected.map((t) => [t, 'delivered', 1, 204]).sort(),
    );
  }, 60_000);

  it('a receiver down for a while gets the event after retries, once per delivery id', async () => {
    await receiver.stop(); // connection refused
    const caseNumber = await hotlineCase('Không đăng nhập được webmail, báo sai mật khẩu.');
    const pending = await waitFor('tried twice while down', async () => {
      const d = (await deliveries(`endpointId=${endpoint.id}&limit=50`)).find(
        (x) => x.caseNumber === caseNumber && x.eventType === 'case.received',
      );
      return d && d.attempts >= 2 && d.status === 'pending' ? d : undefined;
    });
    expect(pending.lastError).toBeTruthy();
    await receiver.start(); // back on the same port
    const delivered = await waitFor('delivered after the receiver came back', async () => {
      const d = (await api('GET', `/api/v1/admin/webhooks/deliveries/${pending.id}`, admin)).body as WebhookDeliveryView;
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivered.attempts).toBeGreaterThanOrEqual(3);
    expect(delivered.responseCode).toBe(204);
    const copies = receiver.received.filter((r) => r.headers[WEBHOOK_HEADERS.deliveryId.toLowerCase()] === pending.id);
    expect(copies).toHaveLength(1);
    expect((await endpointNow()).consecutiveFailures).toBe(0);
  }, 60_000);

  it('an endpoint that keeps failing is disabled, admins see a notice, and a metric counts it', async () => {
    receiver.mode = 'error';
    // Two cases: at least two deliveries fail for good (a case left in triage has no routed event).
    const caseNumber = await hotlineCase('Tên miền hết hạn nhưng đã thanh toán gia hạn.');
    await hotlineCase('VPS không khởi động được sau khi nâng cấp gói.');
    const disabled = await waitFor(
      'endpoint disabled',
      async () => {
        const e = await endpointNow();
        return e.enabled ? undefined : e;
      },
      { timeoutMs: 30_000 },
    );
    expect(disabled).toMatchObject({ enabled: false, needsAttention: true });
    expect(disabled.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(disabled.disabledReason).toMatch(/2 deliveries in a row failed .*HTTP 503/);
    const list = await api('GET', '/api/v1/admin/webhooks', admin);
    expect(list.body.needingAttention.map((e: WebhookEndpointView) => e.id)).toEqual([endpoint.id]);
    expect(stack.workers!.metrics.get('webhook_endpoints_disabled_total', {})).toBe(1);
    const failed = (await deliveries(`endpointId=${endpoint.id}&status=failed`)).filter((d) => d.caseNumber === caseNumber);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]).toMatchObject({ attempts: 4, responseCode: 503 });
    // Re-sending to a disabled endpoint is refused until an admin enables it.
    expect((await api('POST', `/api/v1/admin/webhooks/deliveries/${failed[0]!.id}/resend`, admin, {})).status).toBe(409);
  }, 60_000);

  it('an admin enables the endpoint again and re-sends a failed delivery: same event and body, new delivery id', async () => {
    receiver.mode = 'ok';
    const enabled = await api('PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, admin, { enabled: true });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, consecutiveFailures: 0, needsAttention: false });
    expect(enabled.body.disabledAt).toBeUndefined();
    const failed = (await deliveries(`endpointId=${endpoint.id}&status=failed`))[0]!;
    const resent = await api('POST', `/api/v1/admin/webhooks/deliveries/${failed.id}/resend`, admin, {});
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ eventId: failed.eventId, status: 'pending', resendOf: failed.id });
    const newId = resent.body.id as string;
    expect(newId).not.toBe(failed.id);
    const got = await waitFor('re-sent delivery received', () =>
      receiver.received.find((r) => r.headers[WEBHOOK_HEADERS.deliveryId.toLowerCase()] === newId),
    );
    expect(got.headers[WEBHOOK_HEADERS.eventId.toLowerCase()]).toBe(failed.eventId);
    expect(JSON.parse(got.body)).toEqual(failed.payload);
    expect(verifyWebhookSignature(secret, got.body, got.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string)).toBe(true);
    await waitFor('re-send recorded delivered', async () => {
      const d = (await api('GET', `/api/v1/admin/webhooks/deliveries/${newId}`, admin)).body as WebhookDeliveryView;
      return d.status === 'delivered';
    });
  }, 30_000);

  it('a rotated secret signs the next deliveries; the old one no longer verifies', async () => {
    const rotated = await api('POST', `/api/v1/admin/webhooks/${endpoint.id}/secret`, admin, {});
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(secret);
    const caseNumber = await hotlineCase('Hóa đơn tháng này bị tính tiền hai lần.');
    const got = await waitFor('event signed with the new secret', () => receiver.received.find((r) => r.body.includes(caseNumber)));
    const header = got.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string;
    expect(verifyWebhookSignature(fresh, got.body, header)).toBe(true);
    expect(verifyWebhookSignature(secret, got.body, header)).toBe(false);
  }, 30_000);

  it('bad input is 400 naming each field; unknown ids 404', async () => {
    const bad = await api('POST', '/api/v1/admin/webhooks', admin, {
      url: 'ftp://example.com/x',
      events: ['case.exploded'],
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(expect.arrayContaining(['url', 'events.0']));
    expect(JSON.stringify(bad.body)).toContain('colour');
    const noEvents = await api('POST', '/api/v1/admin/webhooks', admin, { url: 'https://crm.example.com/hooks', events: [] });
    expect(fields(noEvents.body)).toEqual(['events']);
    const twice = await api('POST', '/api/v1/admin/webhooks', admin, {
      url: 'https://crm.example.com/hooks',
      events: ['case.closed', 'case.closed'],
    });
    expect(fields(twice.body)).toEqual(['events']);
    const userInfo = await api('POST', '/api/v1/admin/webhooks', admin, {
      url: 'https://u:p@crm.example.com/hooks',
      events: ['case.closed'],
    });
    expect(fields(userInfo.body)).toEqual(['url']);
    expect(fields((await api('PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, admin, {})).body)).toEqual(['(body)']);
    expect(fields((await api('PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, admin, { enabled: 'yes' })).body)).toEqual(['enabled']);
    expect((await api('GET', '/api/v1/admin/webhooks/not-an-id', admin)).status).toBe(400);
    expect(fields((await api('GET', '/api/v1/admin/webhooks/deliveries?status=lost&limit=0', admin)).body)).toEqual(['limit', 'status']);
    const none = '0'.repeat(24);
    expect((await api('GET', `/api/v1/admin/webhooks/${none}`, admin)).status).toBe(404);
    expect((await api('PATCH', `/api/v1/admin/webhooks/${none}`, admin, { enabled: false })).status).toBe(404);
    expect((await api('POST', `/api/v1/admin/webhooks/deliveries/${none}/resend`, admin, {})).status).toBe(404);
  });

  it('other roles get 403 on every webhook route; no token 401', async () => {
    for (const token of [operator, agent, supervisor]) {
      expect((await api('GET', '/api/v1/admin/webhooks', token)).status).toBe(403);
      expect((await api('POST', '/api/v1/admin/webhooks', token, { url: receiver.url, events: ['case.closed'] })).status).toBe(403);
      expect((await api('PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, token, { enabled: false })).status).toBe(403);
      expect((await api('GET', '/api/v1/admin/webhooks/deliveries', token)).status).toBe(403);
    }
    expect((await stack.api('/api/v1/admin/webhooks')).status).toBe(401);
    expect((await endpointNow()).enabled).toBe(true);
  });
});
