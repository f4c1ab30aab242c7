import type { Redis } from 'ioredis';

export interface WindowRule {
  /** e.g. `v:<visitorId>` or `ip:<address>`; namespaced under the limiter's prefix. */
  key: string;
  limit: number;
  windowMs: number;
}

export interface LimitVerdict {
  allowed: boolean;
  /** The rule that refused, and when its window ends. */
  refusedBy?: string;
  retryAfterMs?: number;
}

// Fixed windows, all rules in one round trip: INCR each counter, start its window on the first
// hit, and report the first rule over its limit.
const WINDOW_SCRIPT = `
local refused = 0
local ttl = 0
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[2 * i - 1]) end
  if refused == 0 and n > tonumber(ARGV[2 * i]) then
    refused = i
    ttl = redis.call('PTTL', key)
  end
end
return {refused, ttl}
`;

/**
 * Rate limits shared by every gateway node (per visitor, per IP), counted in Redis. When Redis
 * does not answer, the limiter lets the request through: the per-connection limits in memory
 * still apply, and refusing every customer during a Redis blip would be worse.
 */
export class RedisWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  async hit(rules: WindowRule[]): Promise<LimitVerdict> {
    if (rules.length === 0) return { allowed: true };
    const now = Date.now();
    const keys = rules.map((r) => `${this.prefix}:livechat:rl:${r.key}:${Math.floor(now / r.windowMs)}`);
    const args = rules.flatMap((r) => [String(r.windowMs), String(r.limit)]);
    try {
      const [refused, ttl] = (await this.redis.eval(WINDOW_SCRIPT, keys.length, ...keys, ...args)) as [number, number];
      if (refused === 0) return { allowed: true };
      return { allowed: false, refusedBy: rules[refused - 1]!.key.split(':')[0]!, retryAfterMs: Math.max(ttl, 0) };
    } catch (err) {
      this.onError(err as Error);
      return { allowed: true };
    }
  }
}

/**
 * A token bucket in memory for one connection: a few numbers, so a connection that floods
 * events costs nothing more than its own refusals.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {
    this.tokens = capacity;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Open sockets per client address on this node; entries vanish when their count reaches zero. */
export class ConnectionCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerKey: number) {}

  tryAcquire(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.maxPerKey) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }

  get size(): number {
    return this.counts.size;
  }
}
