import { commonEnvSchema } from '@cg/config';
import { isRedisClusterUrl, parseRedisClusterUrl } from './redis-connections';

describe('REDIS_URL for a Redis Cluster', () => {
  it('names the cluster by its seed nodes, with optional credentials and TLS', () => {
    expect(parseRedisClusterUrl('redis-cluster://127.0.0.1:7301,127.0.0.1:7302,10.0.0.3:7303')).toEqual({
      nodes: [
        { host: '127.0.0.1', port: 7301 },
        { host: '127.0.0.1', port: 7302 },
        { host: '10.0.0.3', port: 7303 },
      ],
      tls: false,
    });
    expect(parseRedisClusterUrl('rediss-cluster://app:p%40ss@redis-a.internal:6379,[::1]:6380/')).toEqual({
      nodes: [
        { host: 'redis-a.internal', port: 6379 },
        { host: '::1', port: 6380 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
    expect(isRedisClusterUrl('redis://127.0.0.1:6390')).toBe(false);
  });

  it('refuses a node without a port, at start (config) and in the parser', () => {
    expect(() => parseRedisClusterUrl('redis-cluster://127.0.0.1:7301,127.0.0.1')).toThrow(/not host:port/);
    expect(() => parseRedisClusterUrl('redis://127.0.0.1:7301')).toThrow(/not a redis-cluster/);
    expect(commonEnvSchema.safeParse({ REDIS_URL: 'redis-cluster://127.0.0.1:7301,127.0.0.1' }).success).toBe(false);
    expect(commonEnvSchema.safeParse({ REDIS_URL: 'not a url' }).success).toBe(false);
    expect(commonEnvSchema.parse({ REDIS_URL: 'redis-cluster://127.0.0.1:7301,127.0.0.1:7302' }).REDIS_URL).toBe(
      'redis-cluster://127.0.0.1:7301,127.0.0.1:7302',
    );
    expect(commonEnvSchema.parse({}).REDIS_URL).toBe('redis://127.0.0.1:6390');
  });
});
