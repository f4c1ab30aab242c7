import { StaffTokenService } from '@cg/core';
import { ConnectionCounter, TokenBucket } from './rate-limits';
import { VisitorTokenService } from './visitor-tokens';

const SECRET = 'x'.repeat(40);

describe('visitor tokens', () => {
  const visitors = new VisitorTokenService(SECRET, 3600);

  it('round-trips the visitor and conversation', () => {
    const { token } = visitors.issue({ visitorId: 'v1', conversationId: 'a'.repeat(24) });
    expect(visitors.verify(token)).toEqual({ visitorId: 'v1', conversationId: 'a'.repeat(24) });
  });

  it('refuses forged, foreign, staff and malformed tokens', () => {
    const { token } = visitors.issue({ visitorId: 'v1', conversationId: 'a'.repeat(24) });
    expect(visitors.verify(token.slice(0, -2) + 'xx')).toBeNull();
    expect(new VisitorTokenService('y'.repeat(40), 3600).verify(token)).toBeNull();
    const staff = new StaffTokenService(SECRET, 3600).issue({ staffId: 's1', email: 'a@b.vn', name: 'A', role: 'admin' }).token;
    expect(visitors.verify(staff)).toBeNull(); // same secret, other audience
    expect(new StaffTokenService(SECRET, 3600).verify(token)).toBeNull(); // and the other way round
    expect(visitors.verify(undefined)).toBeNull();
    expect(visitors.verify({ token })).toBeNull();
    expect(visitors.verify('a'.repeat(5000))).toBeNull();
  });
});

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
