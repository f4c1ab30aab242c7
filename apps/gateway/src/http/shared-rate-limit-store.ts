import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { RedisRateLimiter } from '@cg/queue';
import { HttpProblem } from './problem';

/**
 * express-rate-limit's store on the shared Redis limiter (@cg/queue): every gateway node counts
 * into the same window, so N gateways do not give N times the allowance. express-rate-limit
 * keeps what it does well (client keys, IPv6 subnets, RateLimit headers); the counting is ours.
 *
 * When Redis does not answer, `increment` throws a 503 problem (fail closed): a limiter that
 * let requests through whenever Redis is away would let password guessing through exactly
 * when a Redis outage is provoked, and signed-in staff keep working (tokens are stateless).
 */
export class SharedRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly limiter: RedisRateLimiter,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    try {
      // The limit is applied by express-rate-limit; the rule's own limit is never the refusing one.
      const { windows } = await this.limiter.hit([
        { key: `${this.prefix}:${key}`, limit: Number.MAX_SAFE_INTEGER, windowMs: this.windowMs },
      ]);
      const w = windows[0]!;
      return { totalHits: w.count, resetTime: w.resetAt } satisfies ClientRateLimitInfo;
    } catch (err) {
      throw new HttpProblem(503, 'rate_limiter_unavailable', 'Sign-in is briefly unavailable', 'try again in a few seconds', undefined, {
        'Retry-After': '5',
      });
    }
  }

  /** Not used by the limits configured here (no skipped requests); a window simply runs out. */
  decrement(): void {}

  async resetKey(key: string): Promise<void> {
    await this.limiter.reset({ key: `${this.prefix}:${key}`, windowMs: this.windowMs });
  }
}
