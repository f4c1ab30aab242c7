import type { RedisClient } from './redis-connections';

/** One limit: at most `limit` hits per `key` in each fixed window of `windowMs`. */
export interface RateRule {
  /** e.g. `login-ip:<address>` or `v:<visitorId>`; namespaced under the limiter's prefix. */
  key: string;
  limit: number;
  windowMs: number;
  /**
   * Count distinct members instead of hits: the same member (a message id) counts once however
   * often it is retried, and a refused member is not counted.
   */
  member?: string;
}

export interface RateVerdict {
  allowed: boolean;
  /** The key of the first rule that refused, and when its window ends. */
  refusedBy?: string;
  retryAfterMs?: number;
  /** Per rule, in order: the count in the current window (this hit included) and when the window ends. */
  windows: Array<{ count: number; resetAt: Date }>;
}

/** What callers depend on: the Redis limiter, or a wrapper that decides what a Redis failure means. */
export interface RateLimiter {
  hit(rules: RateRule[]): Promise<RateVerdict>;
}

// Fixed windows, all rules in one round trip (the keys share the prefix's hash tag, so this
// runs on Redis Cluster too): count each rule, start its window's expiry on the first hit, and
// report the first rule over its limit. ARGV per rule: time left in the window, limit, member.
const HIT_SCRIPT = `
local refused = 0
local out = {0, 0}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 * i - 1])
  local member = ARGV[3 * i]
  local n
  if member == '' then
    n = redis.call('INCR', key)
  else
    local added = redis.call('SADD', key, member)
    n = redis.call('SCARD', key)
    if added == 1 and n > limit then
      redis.call('SREM', key, member)
    elseif added == 0 then
      limit = n
    end
  end
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[3 * i - 2]) end
  local ttl = redis.call('PTTL', key)
  if refused == 0 and n > limit then
    refused = i
    out[2] = ttl
  end
  out[2 * i + 1] = n
  out[2 * i + 2] = ttl
end
out[1] = refused
return out
`;

/**
 * The rate limiter of every process (login attempts, livechat messages, sessions and uploads,
 * automatic mails per address): counters in Redis, so every gateway or worker node shares one
 * allowance. Windows are aligned to the clock (`floor(now / windowMs)`). `hit()` throws when
 * Redis does not answer; each caller decides whether that lets the request through or refuses it.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    /** e.g. `{cg}:rl:login`; keep the queue prefix's hash tag first. */
    private readonly prefix: string,
  ) {}

  async hit(rules: RateRule[], now = Date.now()): Promise<RateVerdict> {
    if (rules.length === 0) return { allowed: true, windows: [] };
    const keys = rules.map((r) => `${this.prefix}:${r.key}:${Math.floor(now / r.windowMs)}`);
    const args = rules.flatMap((r) => [String(r.windowMs - (now % r.windowMs)), String(r.limit), r.member ?? '']);
    const out = (await this.redis.eval(HIT_SCRIPT, keys.length, ...keys, ...args)) as number[];
    const windows = rules.map((_r, i) => ({ count: out[2 * i + 2]!, resetAt: new Date(now + Math.max(out[2 * i + 3]!, 0)) }));
    const refused = out[0]!;
    if (refused === 0) return { allowed: true, windows };
    return { allowed: false, refusedBy: rules[refused - 1]!.key, retryAfterMs: Math.max(out[1]!, 0), windows };
  }

  /** Forgets the current window of one rule (e.g. after a successful sign-in, or in tests). */
  async reset(rule: Pick<RateRule, 'key' | 'windowMs'>, now = Date.now()): Promise<void> {
    await this.redis.del(`${this.prefix}:${rule.key}:${Math.floor(now / rule.windowMs)}`);
  }
}

/** A limiter that lets everything through when Redis does not answer, reporting the error. */
export function failOpen(limiter: RateLimiter, onError: (err: Error) => void): RateLimiter {
  return {
    hit: (rules) =>
      limiter.hit(rules).catch((err: unknown) => {
        onError(err instanceof Error ? err : new Error(String(err)));
        return { allowed: true, windows: [] };
      }),
  };
}
