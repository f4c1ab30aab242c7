import { Redis } from 'ioredis';
import { commonEnvSchema } from '@cg/config';
import { isolatedEnv, removeRedisKeys } from '@cg/testing';
import { RedisCaseLock } from '../src/case-lock';

describe('RedisCaseLock (real Redis)', () => {
  const env = isolatedEnv();
  const { REDIS_URL } = commonEnvSchema.parse(env);
  const redis = new Redis(REDIS_URL);
  const prefix = env.QUEUE_PREFIX!;
  afterAll(async () => {
    redis.disconnect();
    await removeRedisKeys(REDIS_URL, prefix);
  });

  it('keys leases under the hash-tagged queue prefix (same Redis Cluster slot as the queues)', () => {
    expect(new RedisCaseLock(redis, { prefix }).keyOf('KN26-00001')).toBe(`${prefix}:case-lock:KN26-00001`);
    expect(prefix).toMatch(/^\{.+\}$/);
  });

  it('gives one holder at a time: 20 racing callers take turns, never overlapping', async () => {
    const lock = new RedisCaseLock(redis, { prefix, ttlMs: 2000 });
    let inside = 0;
    let maxInside = 0;
    let turns = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const lease = await lock.acquire('KN26-00002');
        expect(lease).not.toBeNull();
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        turns++;
        await lease!.release();
      }),
    );
    expect(turns).toBe(20);
    expect(maxInside).toBe(1);
  });

  it('gives up after waitMs on a busy case', async () => {
    const lock = new RedisCaseLock(redis, { prefix, ttlMs: 5000, waitMs: 150 });
    const held = await lock.acquire('KN26-00003');
    const started = Date.now();
    expect(await lock.acquire('KN26-00003')).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await held!.release();
    expect(await lock.acquire('KN26-00003')).not.toBeNull();
  });

  it('an expired lease is lost: isHeld() turns false, the next holder gets it, and a late release leaves the new lease alone', async () => {
    const lock = new RedisCaseLock(redis, { prefix, ttlMs: 200, safetyMs: 50 });
    const first = await lock.acquire('KN26-00004');
    expect(first!.isHeld()).toBe(true);
    await new Promise((r) => setTimeout(r, 160));
    expect(first!.isHeld()).toBe(false); // past ttl − safety: its holder must not write any more
    await new Promise((r) => setTimeout(r, 100)); // past the ttl: Redis dropped it
    const second = await lock.acquire('KN26-00004');
    expect(second).not.toBeNull();
    await first!.release(); // compare-and-delete: not ours any more, nothing deleted
    expect(await redis.exists(lock.keyOf('KN26-00004'))).toBe(1);
    await second!.release();
    expect(await redis.exists(lock.keyOf('KN26-00004'))).toBe(0);
  });
});
