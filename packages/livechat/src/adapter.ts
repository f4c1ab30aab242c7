import { createAdapter, type RedisStreamsAdapterOptions } from '@socket.io/redis-streams-adapter';
import type { RedisClient } from '@cg/queue';

/**
 * The socket.io Redis streams adapter, named under the deployment's hash-tagged prefix so
 * test runs and deployments sharing a Redis never see each other's chat, and Redis Cluster
 * keeps the stream and session keys in the prefix's slot. Every gateway node, and every
 * process that emits to livechat clients (see LivechatPoster), must use the same options.
 * Unlike the pub/sub adapter it supports connection-state recovery: a socket that comes back
 * within the recovery window gets the packets it missed from the stream.
 */
export function livechatAdapterOptions(prefix: string): RedisStreamsAdapterOptions {
  return {
    streamName: `${prefix}:livechat:sio`,
    channelPrefix: `${prefix}:livechat:sio`,
    sessionKeyPrefix: `${prefix}:livechat:sio-session:`,
    maxLen: 10_000,
    // A short XREAD block so closing a node releases its reader quickly.
    blockTimeInMs: 1000,
    onlyPlaintext: true,
  };
}

/**
 * @param redis a connection that retries (not fail-fast): the adapter duplicates it for its
 *   stream reader and its pub/sub subscriber. A Redis Cluster connection works too: the adapter
 *   duplicates the cluster client, and its stream and channels are in the prefix's slot.
 */
export function createLivechatAdapter(redis: RedisClient, prefix: string): ReturnType<typeof createAdapter> {
  // The adapter's reader and subscriber are duplicates of `redis` that it only drops after its
  // blocking XREAD returns; end them together with `redis`, so a closed node stops at once.
  const duplicates: RedisClient[] = [];
  const duplicate = redis.duplicate.bind(redis) as (...args: unknown[]) => RedisClient;
  (redis as { duplicate: (...args: unknown[]) => RedisClient }).duplicate = (...args: unknown[]) => {
    const d = duplicate(...args);
    duplicates.push(d);
    return d;
  };
  redis.once('end', () => duplicates.forEach((d) => d.disconnect()));
  return createAdapter(redis, livechatAdapterOptions(prefix));
}
