import { Redis } from 'ioredis';
import { commonEnvSchema } from '@cg/config';
import { isolatedEnv, removeRedisKeys } from '@cg/testing';
import { failOpen, RedisRateLimiter } from '../src/rate-limiter';

describe('RedisRateLimiter (real Redis)', () => {
  const env = isolatedEnv();
  const { REDIS_URL } = commonEnvSchema.parse(env);
  const redis = new Redis(REDIS_URL);
  const prefix = `${env.QUEUE_PREFIX!}:rl`;
  // A fixed instant well inside its minute and hour windows, so no window turns during the test.
  const now = Date.UTC(2026, 0, 5, 10, 30, 10);
  afterAll(async () => {
    redis.disconnect();
    await removeRedisKeys(REDIS_URL, env.QUEUE_PREFIX!);
  });

  it('counts hits per window across limiter instances (nodes) and names the rule that refused', async () => {
    const nodeA = new RedisRateLimiter(redis, prefix);
    const nodeB = new RedisRateLimiter(redis, prefix);
    const rules = [
      { key: 'v:1', limit: 3, windowMs: 60_000 },
      { key: 'ip:1', limit: 10, windowMs: 60_000 },
    ];
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await (i % 2 ? nodeB : nodeA).hit(rules, now));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts[3]).toMatchObject({ refusedBy: 'v:1' });
    expect(verdicts[3]!.retryAfterMs).toBeGreaterThan(0);
    expect(verdicts[3]!.retryAfterMs).toBeLessThanOrEqual(50_000);
    expect(verdicts[3]!.windows.map((w) => w.count)).toEqual([4, 4]);
    await nodeA.reset({ key: 'v:1', windowMs: 60_000 }, now);
    expect((await nodeB.hit(rules, now)).allowed).toBe(true);
  });

  it('with a member, counts each member once and does not count refused ones', async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    const rule = (member: string) => [{ key: 'mail-rate:a@b.vn', limit: 2, windowMs: 3_600_000, member }];
    const allowed = async (member: string) => (await limiter.hit(rule(member), now)).allowed;
    expect([await allowed('m1'), await allowed('m1'), await allowed('m2')]).toEqual([true, true, true]);
    expect(await allowed('m3')).toBe(false);
    expect(await allowed('m3')).toBe(false); // still refused: the refused one was not kept
    expect(await allowed('m1')).toBe(true); // a retry of a counted message goes through
  });

  it('throws when Redis does not answer; failOpen() lets the hit through and reports why', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    dead.on('error', () => undefined);
    const limiter = new RedisRateLimiter(dead, prefix);
    const rules = [{ key: 'x', limit: 1, windowMs: 1000 }];
    await expect(limiter.hit(rules)).rejects.toThrow();
    const errors: string[] = [];
    expect(await failOpen(limiter, (e) => errors.push(e.message)).hit(rules)).toMatchObject({ allowed: true });
    expect(errors).toHaveLength(1);
    dead.disconnect();
  });
});
