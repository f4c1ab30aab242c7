/** Where a generation lives (a Redis key: ioredis's `get` and `incr` fit). */
export interface GenerationCounter {
  get(key: string): Promise<string | null>;
  incr(key: string): Promise<number>;
}

/**
 * A per-process copy of something small that every case change reads and admins rarely change
 * (which webhook event types an enabled endpoint takes, the departments' settings), re-read from
 * the database only when its generation moved: every writer calls `changed()` after its write,
 * which bumps a shared counter, so every process sees the change on its next read (one Redis GET
 * instead of one database query per case). A copy older than `maxAgeMs` is re-read anyway (a
 * write made without `changed()`, e.g. by hand in the database); when the counter cannot be read
 * the database is.
 */
export class GenerationCache<T> {
  private cached?: { generation: string | null; value: T; at: number };
  private loading?: { generation: string | null; value: Promise<T> };

  constructor(
    private readonly counter: GenerationCounter,
    private readonly key: string,
    private readonly load: () => Promise<T>,
    private readonly maxAgeMs = 30_000,
  ) {}

  async get(): Promise<T> {
    let generation: string | null;
    try {
      // Read before loading: a write that lands during the load moves it again, so the next read reloads.
      generation = await this.counter.get(this.key);
    } catch {
      return this.load();
    }
    const c = this.cached;
    if (c && c.generation === generation && Date.now() - c.at < this.maxAgeMs) return c.value;
    if (this.loading?.generation === generation) return this.loading.value;
    const value = this.load().then((v) => {
      this.cached = { generation, value: v, at: Date.now() };
      return v;
    });
    const loading = { generation, value };
    this.loading = loading;
    return value.finally(() => {
      if (this.loading === loading) this.loading = undefined;
    });
  }

  /**
   * After every write of what `load` reads: every process re-reads on its next `get`. Never
   * throws (the write is done): when the counter cannot be bumped, other processes see the change
   * within `maxAgeMs`.
   */
  async changed(): Promise<void> {
    this.cached = undefined;
    await this.counter.incr(this.key).catch(() => undefined);
  }
}
