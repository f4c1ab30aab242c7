import { RedisRateLimiter, type RedisClient } from '@cg/queue';

/**
 * At most `perHour` automatic messages to one address per clock hour, counted by the shared
 * Redis limiter. Each message counts once (its outbound id is the rule's member), so SMTP
 * retries of the same message do not use up the allowance. Two auto-responders answering each
 * other therefore stop after a handful of messages. A Redis failure throws: the send job retries.
 */
export class AddressRateLimiter {
  private readonly limiter: RedisRateLimiter;

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly perHour: number,
  ) {
    this.limiter = new RedisRateLimiter(redis, prefix);
  }

  async allow(address: string, outboundId: string, now = Date.now()): Promise<boolean> {
    const rule = { key: `mail-rate:${address.toLowerCase()}`, limit: this.perHour, windowMs: 3_600_000, member: outboundId };
    return (await this.limiter.hit([rule], now)).allowed;
  }
}
