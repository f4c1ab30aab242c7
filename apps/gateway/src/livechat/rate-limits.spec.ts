import { ConnectionCounter, TokenBucket } from './rate-limits';

describe('per-connection limits', () => {
  it('a token bucket allows a burst, then the refill rate', () => {
    const bucket = new TokenBucket(3, 0.001);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('counts connections per address and forgets addresses at zero', () => {
    const counter = new ConnectionCounter(2);
    expect(counter.tryAcquire('1.2.3.4')).toBe(true);
    expect(counter.tryAcquire('1.2.3.4')).toBe(true);
    expect(counter.tryAcquire('1.2.3.4')).toBe(false);
    expect(counter.tryAcquire('5.6.7.8')).toBe(true);
    counter.release('1.2.3.4');
    counter.release('1.2.3.4');
    counter.release('5.6.7.8');
    expect(counter.size).toBe(0);
  });
});
