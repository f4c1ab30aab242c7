import { randomUUID } from 'node:crypto';
import { ScratchRedis, waitFor, startTestStack, type TestStack } from '@cg/testing';

/** The gateway on a Redis of its own that the test crashes and restarts. */
describe('when Redis is down the hotline endpoint fails fast and writes nothing', () => {
  let redis: ScratchRedis;
  let stack: TestStack;
  let operator: string;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    // The timeout safety net (60 s) is beyond the test's own timeout (30 s): a 503 can only come
    // from the fail-fast path (no offline queue), never from waiting the timeout out.
    stack = await startTestStack({ env: { REDIS_URL: redis.url, INTAKE_TIMEOUT_MS: '60000' } });
    operator = await stack.tokenFor('hotline_operator');
  });
  afterAll(async () => {
    await stack?.close().catch(() => undefined);
    await redis?.stop();
  });

  const post = (callId: string) =>
    stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Lê Văn C', phone: '0903111222' }, notes: 'Email công ty không nhận được thư từ sáng nay.', callId },
    });

  it('reports not ready, answers 503 without waiting for a timeout, then takes the retry once Redis is back', async () => {
    await redis.crash();
    await waitFor('the gateway to see Redis down', async () => (await stack.api('/readyz')).body.checks.redis === 'down');
    const callId = `outage-${randomUUID()}`;
    const down = await post(callId);
    expect(down.status).toBe(503);
    expect(down.body.detail).toContain(callId);
    expect(down.headers.get('retry-after')).toBe('5');

    await redis.resume();
    const up = await waitFor('gateway to reach Redis again', async () => {
      const res = await post(callId);
      return res.status === 202 ? res : undefined;
    });
    expect(up.body.duplicate).toBe(false); // the failed attempt reserved nothing
    const c = await waitFor('case routed after recovery', async () => {
      const res = await stack.api(`/api/v1/cases/${up.body.caseNumber}`, { token: operator });
      return res.status === 200 ? res.body : undefined;
    });
    expect(c.department).toBe('email');
    expect(await stack.db.cases.count({ idempotencyKey: callId })).toBe(1);
  });
});
