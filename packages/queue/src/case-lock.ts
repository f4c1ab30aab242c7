import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-connections';

/** The shape of @cg/core's CaseLease / CaseLock (structural: the queue package does not depend on core). */
export interface CaseLease {
  isHeld(): boolean;
  release(): Promise<void>;
}

/** Deletes the lease only if it still holds our token (another holder's lease is left alone). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisCaseLockOptions {
  /** The hash-tagged queue prefix, e.g. `{cg}`: every lease lives in the same Redis Cluster slot as the queues. */
  prefix: string;
  /** How long a lease lasts: long enough for one read-check-write of a case (default 5 s). */
  ttlMs?: number;
  /** How long to wait for a busy case before giving up (default 15 s: fifty writers queued on one case, on FerretDB). */
  waitMs?: number;
  /** Stop writing this long before the lease's end, for clock drift and the write itself (default 20% of ttl). */
  safetyMs?: number;
}

/**
 * Per-case exclusive leases in Redis: `SET key token NX PX ttl`, released by compare-and-delete.
 * A busy case is retried with small jittered waits (5–40 ms, growing) up to `waitMs`. A lease that
 * outlives its ttl is simply lost: the CaseLifecycle's version check stops its late write.
 */
export class RedisCaseLock {
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly safetyMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: RedisCaseLockOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 5000;
    this.waitMs = opts.waitMs ?? 15_000;
    this.safetyMs = opts.safetyMs ?? Math.round(this.ttlMs * 0.2);
  }

  keyOf(caseNumber: string): string {
    return `${this.opts.prefix}:case-lock:${caseNumber}`;
  }

  async acquire(caseNumber: string): Promise<CaseLease | null> {
    const key = this.keyOf(caseNumber);
    const token = randomBytes(12).toString('base64url');
    const giveUpAt = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      const startedAt = Date.now();
      const ok = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
      if (ok === 'OK') return this.lease(key, token, startedAt);
      if (Date.now() >= giveUpAt) return null;
      const base = Math.min(5 * 2 ** Math.min(attempt, 3), 40);
      await sleep(base / 2 + Math.random() * base);
    }
  }

  private lease(key: string, token: string, startedAt: number): CaseLease {
    // Counted from before the SET was sent: the lease can only end later than this, never earlier.
    const usableUntil = startedAt + this.ttlMs - this.safetyMs;
    let released = false;
    return {
      isHeld: () => !released && Date.now() < usableUntil,
      release: async () => {
        if (released) return;
        released = true;
        await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
      },
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
