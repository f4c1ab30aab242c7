import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@cg/queue';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * One poller holds a mailbox at a time: a Redis key with a TTL, renewed every third of it.
 * A holder that cannot renew (Redis gone, or the key taken after a pause) reports the loss and
 * must stop touching the mailbox; a standby poller takes over once the TTL runs out. Dedupe in
 * MongoDB keeps even a brief overlap harmless.
 */
export class MailboxLock {
  readonly token = randomUUID();
  private timer?: NodeJS.Timeout;
  private lastRenewed = 0;
  private held = false;

  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    private readonly ttlMs: number,
    private readonly onLost: (reason: string) => void,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX').catch(() => null);
    if (ok !== 'OK') return false;
    this.held = true;
    this.lastRenewed = Date.now();
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    return true;
  }

  private async renew(): Promise<void> {
    if (!this.held) return;
    try {
      const renewed = (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs))) === 1;
      if (!renewed) return this.lose('the lock was taken by another poller');
      this.lastRenewed = Date.now();
    } catch (err) {
      // Cannot reach Redis: keep going only while the lock surely has not expired.
      if (Date.now() - this.lastRenewed >= this.ttlMs * 0.9) this.lose(`could not renew the lock: ${(err as Error).message}`);
    }
  }

  private lose(reason: string): void {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.timer);
    this.onLost(reason);
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }
}
