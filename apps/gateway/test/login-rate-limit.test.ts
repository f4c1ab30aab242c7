import { requestJson, ScratchRedis, startTestStack, waitFor, type TestStack } from '@cg/testing';

const LIMIT = 4;
const url = (node: { server: { address(): unknown } }) => `http://127.0.0.1:${(node.server.address() as { port: number }).port}`;
const login = (baseUrl: string, password = 'wrong-password') =>
  requestJson(baseUrl, '/api/v1/auth/login', { method: 'POST', json: { email: 'someone@test.local', password } });

describe('the sign-in limit is shared by every gateway node', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false, env: { LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(() => stack.close());

  it('two gateways together allow the limit once, not once each', async () => {
    const a = stack.url;
    const b = url(await stack.startGateway());
    // The window is the clock minute: when the current one ends within 10 s, go on in the next
    // one (the attempt that sees the new window counts as its first).
    const resetOf = (res: { headers: Headers }) => Number(/reset=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1]);
    const first = await login(a);
    expect(first.status).toBe(401);
    if (resetOf(first) < 10) {
      await waitFor(
        'the next minute window',
        async () => {
          const res = await login(a);
          return resetOf(res) >= 50 ? res : undefined;
        },
        { intervalMs: 200 },
      );
    }
    // One attempt is counted in this window; alternate nodes until one refuses.
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT && !statuses.includes(429); i++) statuses.push((await login(i % 2 === 0 ? b : a)).status);
    expect(statuses).toContain(429);
    // Per-process counting needed 2 × LIMIT attempts; shared counting refuses within LIMIT of them.
    expect(statuses.indexOf(429)).toBeLessThan(LIMIT);
    const refusedOnA = await login(a);
    const refusedOnB = await login(b);
    expect([refusedOnA.status, refusedOnB.status]).toEqual([429, 429]);
    expect(refusedOnB.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refusedOnB.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('without Redis, sign-in fails closed with 503 (no unlimited guessing during an outage)', async () => {
    const redis = await ScratchRedis.start();
    const gateway = await stack.startGateway({ REDIS_URL: redis.url });
    try {
      const node = url(gateway);
      expect((await login(node)).status).toBe(401);
      await redis.crash();
      await waitFor('the gateway to see Redis down', async () => (await requestJson(node, '/readyz')).body.checks.redis === 'down');
      const res = await login(node);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ type: 'urn:complaint-gateway:problem:rate_limiter_unavailable', status: 503 });
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await redis.resume();
      // Close on live connections: closing mid-reconnect can leave a client retrying forever.
      await waitFor('the gateway to see Redis back', async () => (await requestJson(url(gateway), '/readyz')).body.checks.redis === 'up');
      await gateway.close();
      await redis.stop();
    }
  });
});
