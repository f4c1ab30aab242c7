import { randomUUID } from 'node:crypto';
import { ScratchRedis, waitFor } from '@cg/testing';
import { startTestStack, type TestStack } from './support/stack';

/** The gateway on a Redis of its own that the test crashes and restarts. */
describe('when Redis is down the hotline endpoint fails fast and writes nothing', () => {
  let redis: ScratchRedis;
  let stack: TestStack;
  let operator: string;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    stack = await startTestStack({ env: { REDIS_URL: redis.url, INTAKE_TIMEOUT_MS: '1500' } });
    operator = await stack.tokenFor('hotline_operator');
  });
  afterAll(async () => {
    await stack.close().catch(() => undefined);
    await redis.stop();
  });

  const post = (callId: string) =>
    stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Lê Văn C', phone: '0903111222' }, notes: 'Email công ty không nhận được thư từ sáng nay.', callId },
    });

  it('answers 503 quickly, reports not ready, then takes the retry once Redis is back', async () => {
    await redis.crash();
    const callId = `outage-${randomUUID()}`;
    const started = Date.now();
    const down = await post(callId);
    const elapsed = Date.now() - started;
    expect(down.status).toBe(503);
    expect(down.body.detail).toContain(callId);
    expect(down.headers.get('retry-after')).toBe('5');
    // Fails fast (no offline queue), well before the 1.5 s INTAKE_TIMEOUT_MS safety net.
    expect(elapsed).toBeLessThan(500);
    expect((await stack.api('/readyz')).body.checks.redis).toBe('down');

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
    expect(await stack.gateway.db.cases.count({ idempotencyKey: callId })).toBe(1);
  });
});
