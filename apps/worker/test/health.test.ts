import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/** The worker's /healthz, /readyz and /metrics: the same health server as the mail poller's. */
describe('worker health endpoint', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { WORKER_HEALTH_PORT: '0' } });
  });
  afterAll(() => stack.close());

  it('reports readiness of Redis, MongoDB and its workers, and counts the jobs it did', async () => {
    const url = stack.workers!.healthUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'up', mongodb: 'up', workers: 'up' } });

    const operator = await stack.tokenFor('hotline_operator');
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: {
        caller: { name: 'Trần Thị B', phone: '0912000111' },
        notes: 'Tên miền không trỏ về hosting sau khi đổi DNS.',
        callId: 'health-1',
      },
    });
    expect(res.status).toBe(202);
    const metrics = await waitFor('the intake job to be counted', async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return /bullmq_jobs_total\{queue="intake",outcome="completed"\} [1-9]/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/process_resident_memory_bytes \d+/);
  });
});
