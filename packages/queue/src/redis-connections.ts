import { once } from 'node:events';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * A connection to one Redis server or to a Redis Cluster. Every key and channel we use is named
 * under the hash-tagged QUEUE_PREFIX (`{cg}`), so on a cluster they all live in one slot: our Lua
 * scripts, MULTIs and pipelines, and BullMQ's own, never span slots (no CROSSSLOT).
 */
export type RedisClient = Redis | Cluster;

/**
 * Two kinds of Redis connection, as BullMQ recommends:
 * - `producer`: used on HTTP paths; fails fast (no offline queue, one retry) so a request
 *   answers 503 at once when Redis is down instead of hanging. Auto-pipelined: the commands of
 *   concurrent requests issued in one tick go in one write (hotline calls: +15–20 % per process,
 *   BENCHMARKS.md issue 12).
 * - `worker`: used by BullMQ workers; retries forever (`maxRetriesPerRequest: null`).
 * Never set ioredis `keyPrefix` with BullMQ; pass the queue prefix instead.
 */
export type RedisRole = 'producer' | 'worker';

/** The seed nodes (and credentials) of a `redis-cluster://` URL. */
export interface RedisClusterTarget {
  nodes: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  tls: boolean;
}

const CLUSTER_URL = /^(rediss?)-cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/;

/** True for `redis-cluster://…` and `rediss-cluster://…` (TLS) URLs. */
export function isRedisClusterUrl(url: string): boolean {
  return /^rediss?-cluster:\/\//.test(url);
}

/**
 * REDIS_URL names one server (`redis://host:port`, `rediss://` for TLS) or a Redis Cluster by
 * some of its nodes: `redis-cluster://[user:password@]host:port,host:port,…` (`rediss-cluster://`
 * for TLS). The client learns every master and slot from the seeds (CLUSTER SLOTS) and follows
 * MOVED/ASK redirections and failovers by itself, so listing two or three nodes is enough.
 */
export function parseRedisClusterUrl(url: string): RedisClusterTarget {
  const m = CLUSTER_URL.exec(url);
  if (!m) throw new Error(`not a redis-cluster:// URL: ${redact(url)}`);
  const [, scheme, auth, hostList] = m;
  const nodes = hostList!.split(',').map((hp) => {
    const at = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(hp.trim());
    const port = at ? Number(at[2]) : NaN;
    if (!at || port < 1 || port > 65_535) throw new Error(`redis-cluster:// node "${hp}" is not host:port`);
    return { host: at[1]!.replace(/^\[|\]$/g, ''), port };
  });
  const target: RedisClusterTarget = { nodes, tls: scheme === 'rediss' };
  if (auth) {
    const colon = auth.indexOf(':');
    const username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
    const password = colon < 0 ? undefined : decodeURIComponent(auth.slice(colon + 1));
    if (username) target.username = username;
    if (password) target.password = password;
  }
  return target;
}

export function createRedisConnection(url: string, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const base: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null, enableReadyCheck: false };
  // Reconnect with capped backoff; ioredis keeps trying forever.
  const retry = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5000);
  const redis = isRedisClusterUrl(url)
    ? createCluster(parseRedisClusterUrl(url), base, retry, extra)
    : new Redis(url, { ...base, retryStrategy: retry, ...extra });
  // Without a listener ioredis prints every connection error; callers observe status instead.
  redis.on('error', () => undefined);
  return redis;
}

function createCluster(target: RedisClusterTarget, base: RedisOptions, retry: (times: number) => number, extra: RedisOptions): Cluster {
  // Per-node options exclude what the cluster decides for its nodes (offline queue, reconnects).
  const { enableOfflineQueue, retryStrategy: _perNodeRetry, ...perNode } = { ...base, ...extra };
  const options: ClusterOptions = {
    // Cluster-wide: the offline queue, and (always) waiting for `cluster_state:ok` before ready.
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: retry,
    // Per node: BullMQ reads maxRetriesPerRequest from here (it must be null for workers).
    redisOptions: {
      ...perNode,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(target.nodes, options);
}

export async function pingRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
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

/**
 * Deletes every key matching `pattern` (SCAN MATCH, never KEYS): on a cluster, on each master,
 * since SCAN walks only the node it is sent to. Returns how many were deleted.
 */
export async function deleteKeysMatching(redis: RedisClient, pattern: string): Promise<number> {
  // A cluster client knows its masters once it has read the slots (ready).
  if (redis instanceof Cluster && redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(15_000) });
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      // One key per DEL (keys of different slots may not share a command on a cluster), in one round trip.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.del(key);
      for (const [err, n] of (await pipeline.exec()) ?? []) {
        if (err) throw err;
        deleted += n as number;
      }
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}

/** A URL fit for logs: the password replaced. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
