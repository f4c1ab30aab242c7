import { randomUUID } from 'node:crypto';
import { commonEnvSchema } from '@cg/config';
import { createRedisConnection, deleteKeysMatching } from '@cg/queue';

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

/** Deletes every Redis key under a test's prefix (the BullMQ equivalent of obliterate, for all queues); on every master of a cluster. */
export async function removeRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedisConnection(redisUrl, 'worker', { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysMatching(redis, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
