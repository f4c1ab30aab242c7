import { randomUUID } from 'node:crypto';
import { QUEUE_NAMES } from '@cg/contracts';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/** The cookie a POST /api/v1/auth/session set, ready for a Cookie header. */
async function openSession(stack: TestStack, token: string): Promise<string> {
  const res = await fetch(`${stack.url}/api/v1/auth/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^cg_console_session=[A-Za-z0-9_-]{43};/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  expect(setCookie).toMatch(/Secure/); // NODE_ENV=test is not development
  return setCookie.split(';')[0]!;
}

describe('see it: Bull Board for admins, Prometheus metrics', () => {
  let stack: TestStack;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    stack = await startTestStack({ env: { WORKER_HEALTH_PORT: '0' } });
    admin = await stack.tokenFor('admin');
    agent = await stack.tokenFor('cs_agent');
  });
  afterAll(() => stack.close());

  it('an admin session opens /admin/queues and its API lists every queue', async () => {
    const cookie = await openSession(stack, admin);
    const page = await fetch(`${stack.url}/admin/queues`, { headers: { cookie, accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('static/js/main');
    // Its own scripts load under the gateway's CSP.
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const script = /src="(static\/js\/main[^"]+)"/.exec(html)![1]!;
    expect((await fetch(`${stack.url}/admin/queues/${script}`, { headers: { cookie } })).status).toBe(200);

    const api = await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { cookie } });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string }> };
    expect(queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUE_NAMES).sort());
  });

  it('refuses other roles, no session, cross-origin actions and revoked sessions', async () => {
    const agentCookie = await openSession(stack, agent);
    expect((await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { cookie: agentCookie } })).status).toBe(403);

    expect((await fetch(`${stack.url}/admin/queues/api/queues`)).status).toBe(401);
    const browser = await fetch(`${stack.url}/admin/queues`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/console/?next=%2Fadmin%2Fqueues');
    // A bearer token is not a session: the page wants the cookie.
    expect((await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(401);

    const cookie = await openSession(stack, admin);
    const pause = `${stack.url}/admin/queues/api/queues/maintenance/pause`;
    const foreign = await fetch(pause, { method: 'PUT', headers: { cookie, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await fetch(pause, { method: 'PUT', headers: { cookie } })).status).toBe(403); // no Origin, no Sec-Fetch-Site
    const own = await fetch(pause, { method: 'PUT', headers: { cookie, origin: stack.url } });
    expect(own.status).toBe(200);
    const resume = await fetch(`${stack.url}/admin/queues/api/queues/maintenance/resume`, {
      method: 'PUT',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(resume.status).toBe(200);

    const logout = await fetch(`${stack.url}/api/v1/auth/session`, { method: 'DELETE', headers: { cookie, origin: stack.url } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { cookie } })).status).toBe(401);
  });

  it('/metrics on the gateway and the worker expose the families, one hotline call counted', async () => {
    const operator = await stack.tokenFor('hotline_operator');
    const call = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: {
        caller: { name: 'Trần Thị Bình', phone: '0912345678' },
        notes: 'Tên miền binh.vn hết hạn dù đã thanh toán',
        callId: `call-${randomUUID()}`,
      },
    });
    expect(call.status).toBe(202);

    const gateway = await (await fetch(`${stack.url}/metrics`)).text();
    expect(gateway).toMatch(/^http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/hotline\/calls"[^}]*\} 1$/m);
    expect(gateway).toMatch(/^livechat_socket_connections\{namespace="\/livechat"\} 0$/m);
    expect(gateway).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(gateway).not.toMatch(/route="\/api\/v1\/cases\/KN/); // patterns, never raw URLs

    // Behind METRICS_TOKEN (what production uses): a bearer token, compared in constant time.
    const guarded = await stack.startGateway({ METRICS_TOKEN: 'prometheus-scrape-token-1234' });
    const guardedUrl = `http://127.0.0.1:${(guarded.server.address() as { port: number }).port}/metrics`;
    expect((await fetch(guardedUrl)).status).toBe(401);
    expect((await fetch(guardedUrl, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const scraped = await fetch(guardedUrl, { headers: { authorization: 'Bearer prometheus-scrape-token-1234' } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);

    const workerMetrics = stack.workers!.healthUrl! + '/metrics';
    const worker = await waitFor('the worker to count the hotline case', async () => {
      const text = await (await fetch(workerMetrics)).text();
      return /^cases_received_total\{channel="hotline"\} 1$/m.test(text) ? text : undefined;
    });
    expect(worker).toMatch(/^bullmq_queue_jobs\{queue="intake",state="waiting"\} \d+$/m);
    expect(worker).toMatch(/^bullmq_jobs_total\{queue="intake",outcome="completed"\} 1$/m);
    expect(worker).toMatch(/^bullmq_job_duration_seconds_count\{(?=[^}]*queue="intake")(?=[^}]*outcome="completed")[^}]*\} 1$/m);
    expect(worker).toMatch(/^cases_open\{status="routed",department="[a-z_]+"\} 1$/m);
  });
});
