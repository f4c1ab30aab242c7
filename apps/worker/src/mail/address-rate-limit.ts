import type { Redis } from 'ioredis';

/**
 * At most `perHour` automatic messages to one address per clock hour. Each message counts once
 * (a set of outbound ids), so SMTP retries of the same message do not use up the allowance.
 * Two auto-responders answering each other therefore stop after a handful of messages.
 */
export class AddressRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perHour: number,
  ) {}

  async allow(address: string, outboundId: string, now = Date.now()): Promise<boolean> {
    const hour = Math.floor(now / 3_600_000);
    const key = `${this.prefix}:mail-rate:${address.toLowerCase()}:${hour}`;
    const [[, added], , [, count]] = (await this.redis
      .multi()
      .sadd(key, outboundId)
      .pexpire(key, 2 * 3_600_000)
      .scard(key)
      .exec()) as [[null, number], [null, number], [null, number]];
    if (added === 1 && count > this.perHour) {
      await this.redis.srem(key, outboundId);
      return false;
    }
    return true;
  }
}
