import type { StaffPrincipal } from './staff-tokens';

/** What a token is checked against: the stored account's enabled flag and token version. */
export interface StaffAccountStatus {
  active: boolean;
  tokenVersion: number;
}

export interface StaffAccountStatusCacheOptions {
  /**
   * How long one read of an account is trusted (default 5 s). Every authenticated request and
   * every staff socket event asks; without the cache each would be a read of `staff_users`, and a
   * live update fans out to every connected console at once. The cost is a window: another
   * gateway node keeps accepting a revoked token for at most this long (the node that made the
   * change forgets the account at once).
   */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  status: StaffAccountStatus | null;
  readAt: number;
}

/**
 * Answers "is this token's account still as the token says?" from a short per-user memory
 * cache; concurrent misses for one user share one read. A read that fails falls back to the
 * last known status (stale beats refusing every console during a database blip); with none,
 * the error goes to the caller (HTTP 500/503, the socket event is refused).
 */
export class StaffAccountStatusCache {
  private readonly entries = new Map<string, Entry>();
  private readonly reading = new Map<string, Promise<StaffAccountStatus | null>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly lookup: (staffId: string) => Promise<StaffAccountStatus | null>,
    opts: StaffAccountStatusCacheOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 5000;
    this.now = opts.now ?? Date.now;
  }

  /** The account exists, is enabled, and its token version is the token's. */
  async isCurrent(principal: StaffPrincipal): Promise<boolean> {
    const status = await this.statusOf(principal.staffId);
    return status !== null && status.active && status.tokenVersion === (principal.tokenVersion ?? 0);
  }

  /** Drops what is known of an account (after this node changed it), so the next check reads it. */
  forget(staffId: string): void {
    this.entries.delete(staffId);
    this.reading.delete(staffId);
  }

  private async statusOf(staffId: string): Promise<StaffAccountStatus | null> {
    const entry = this.entries.get(staffId);
    if (entry && this.now() - entry.readAt < this.ttlMs) return entry.status;
    let pending = this.reading.get(staffId);
    if (!pending) {
      const startedAt = this.now();
      pending = this.lookup(staffId).then(
        (status) => {
          // A forget() while reading means the account changed: do not keep what may be the old status.
          if (this.reading.get(staffId) === pending) this.entries.set(staffId, { status, readAt: startedAt });
          return status;
        },
        (err: unknown) => {
          if (entry) return entry.status;
          throw err;
        },
      );
      const done = () => {
        if (this.reading.get(staffId) === pending) this.reading.delete(staffId);
      };
      pending.then(done, done);
      this.reading.set(staffId, pending);
      if (this.entries.size > 10_000) this.entries.clear(); // bounded: staff are few, ids are not forged (signed tokens)
    }
    return pending;
  }
}
