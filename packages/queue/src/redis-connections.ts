import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two kinds of Redis connection, as BullMQ recommends:
 * - `producer`: used on HTTP paths; fails fast (no offline queue, one retry) so a request
 *   answers 503 at once when Redis is down instead of hanging.
 * - `worker`: used by BullMQ workers; retries forever (`maxRetriesPerRequest: null`).
 * Never set ioredis `keyPrefix` with BullMQ; pass the queue prefix instead.
 */
export type RedisRole = 'producer' | 'worker';

export function createRedisConnection(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null, enableReadyCheck: false };
  const redis = new Redis(url, {
    ...base,
    // Reconnect with capped backoff; ioredis keeps trying forever.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    ...extra,
  });
  // Without a listener ioredis prints every connection error; callers observe status instead.
  redis.on('error', () => undefined);
  return redis;
}

export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return pong === 'PONG';
  } catch {
    return false;
  }
}
