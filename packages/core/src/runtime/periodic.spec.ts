import { every, refreshEvery } from './periodic';

describe('every()', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never runs two at once, reports failures and goes on, and stop() waits for the run in flight', async () => {
    const errors: string[] = [];
    let runs = 0;
    let release: () => void = () => undefined;
    const periodic = every(
      100,
      () => {
        runs++;
        if (runs === 1) return Promise.reject(new Error('first fails'));
        return new Promise<void>((resolve) => (release = resolve));
      },
      (err) => errors.push(err.message),
    );
    await jest.advanceTimersByTimeAsync(100);
    expect([runs, errors]).toEqual([1, ['first fails']]);
    await jest.advanceTimersByTimeAsync(100); // second run starts and hangs
    await jest.advanceTimersByTimeAsync(500); // ticks while it hangs are skipped
    expect(runs).toBe(2);
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
  });

  it('refreshEvery() loads once before returning and fails the start when that load fails', async () => {
    let loads = 0;
    const periodic = await refreshEvery(100, () => Promise.resolve(void loads++));
    expect(loads).toBe(1);
    await jest.advanceTimersByTimeAsync(250);
    expect(loads).toBe(3);
    await periodic.stop();
    await expect(refreshEvery(100, () => Promise.reject(new Error('no database')))).rejects.toThrow('no database');
  });
});
