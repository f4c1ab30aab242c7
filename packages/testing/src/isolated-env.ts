import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { commonEnvSchema } from '@cg/config';

/**
 * Environment for one test file: its own MongoDB database and its own BullMQ prefix on the
 * shared local services, so test files never see each other's cases or jobs.
 */
export function isolatedEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const base = commonEnvSchema.parse(process.env);
  const mongo = new URL(base.MONGODB_URI);
  mongo.pathname = `/test_${id}`;
  return {
    ...process.env,
    MONGODB_URI: mongo.toString(),
    QUEUE_PREFIX: `{t${id}}`,
    PORT: '0',
    HOST: '127.0.0.1',
    ...overrides,
  };
}

/** Deletes every Redis key under a test's prefix (the BullMQ equivalent of obliterate, for all queues). */
export async function removeRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
