import { GenerationCache, type GenerationCounter } from './generation-cache';

/** The counter's contract in memory (Redis GET/INCR in the apps); `down` makes it refuse. */
class MemoryCounter implements GenerationCounter {
  values = new Map<string, number>();
  down = false;
  get(key: string) {
    if (this.down) return Promise.reject(new Error('counter down'));
    const v = this.values.get(key);
    return Promise.resolve(v === undefined ? null : String(v));
  }
  incr(key: string) {
    if (this.down) return Promise.reject(new Error('counter down'));
    const v = (this.values.get(key) ?? 0) + 1;
    this.values.set(key, v);
    return Promise.resolve(v);
  }
}

describe('GenerationCache', () => {
  let stored: string;
  let loads: number;
  const load = () => {
    loads++;
    return Promise.resolve(stored);
  };
  beforeEach(() => {
    stored = 'first';
    loads = 0;
  });

  it('loads once while the generation stands, and again in every process once a writer bumps it', async () => {
    const counter = new MemoryCounter();
    const a = new GenerationCache(counter, 'g', load);
    const b = new GenerationCache(counter, 'g', load);
    expect(await a.get()).toBe('first');
    expect(await b.get()).toBe('first');
    expect(await a.get()).toBe('first');
    expect(loads).toBe(2);
    stored = 'second';
    await a.changed(); // the writer is process a; b learns it through the counter
    expect(await b.get()).toBe('second');
    expect(await a.get()).toBe('second');
    expect(loads).toBe(4);
  });

  it('concurrent reads of one generation share one load', async () => {
    const cache = new GenerationCache(new MemoryCounter(), 'g', load);
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(['first', 'first', 'first']);
    expect(loads).toBe(1);
  });

  it('a copy older than maxAgeMs is read again (a write made without changed())', async () => {
    const cache = new GenerationCache(new MemoryCounter(), 'g', load, 20);
    await cache.get();
    stored = 'by hand';
    expect(await cache.get()).toBe('first');
    await new Promise((r) => setTimeout(r, 30));
    expect(await cache.get()).toBe('by hand');
  });

  it('without the counter it reads the database every time, and changed() does not throw', async () => {
    const counter = new MemoryCounter();
    const cache = new GenerationCache(counter, 'g', load);
    counter.down = true;
    await cache.get();
    stored = 'second';
    expect(await cache.get()).toBe('second');
    expect(loads).toBe(2);
    await expect(cache.changed()).resolves.toBeUndefined();
  });
});
