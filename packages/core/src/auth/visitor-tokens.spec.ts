import { SignedTokens } from './signed-tokens';
import { StaffTokenService } from './staff-tokens';
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

describe('one signer for staff and visitors', () => {
  it('serves both services from one key, each kind checked against its own audience', () => {
    const signer = new SignedTokens(SECRET);
    const staff = new StaffTokenService(signer, 3600);
    const visitors = new VisitorTokenService(signer, 3600);
    const staffToken = staff.issue({ staffId: 's1', email: 'a@b.vn', name: 'A', role: 'admin' }).token;
    const visitorToken = visitors.issue({ visitorId: 'v1', conversationId: 'c1' }).token;
    expect(staff.verify(staffToken)?.staffId).toBe('s1');
    expect(visitors.verify(visitorToken)).toEqual({ visitorId: 'v1', conversationId: 'c1' });
    expect(signer.verify(staffToken, 'livechat-visitor')).toBeNull();
    expect(new StaffTokenService(SECRET, 3600).verify(staffToken)?.staffId).toBe('s1'); // a string secret is the same key
  });
});
