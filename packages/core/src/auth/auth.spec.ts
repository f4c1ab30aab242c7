import jwt from 'jsonwebtoken';
import { hashPassword, verifyPassword } from './passwords';
import { hasPermission } from './permissions';
import { StaffTokenService } from './staff-tokens';

const SECRET = 'unit-test-secret-unit-test-secret-0000';

describe('staff tokens', () => {
  const tokens = new StaffTokenService(SECRET, 3600);
  const principal = { staffId: 's1', email: 'a@b.vn', name: 'A', role: 'department_staff' as const, department: 'hosting' };

  it('round-trip the principal', () => {
    expect(tokens.verify(tokens.issue(principal).token)).toEqual(principal);
  });

  it('reject another secret, an expired token, alg=none and an unknown role', () => {
    expect(new StaffTokenService('another-secret-another-secret-000000', 3600).verify(tokens.issue(principal).token)).toBeNull();
    const expired = jwt.sign({ role: 'admin', email: 'x', name: 'x' }, SECRET, {
      subject: 's',
      issuer: 'complaint-gateway',
      audience: 'staff',
      expiresIn: -10,
    });
    expect(tokens.verify(expired)).toBeNull();
    const none = jwt.sign({ role: 'admin', email: 'x', name: 'x' }, '', {
      algorithm: 'none',
      subject: 's',
      issuer: 'complaint-gateway',
      audience: 'staff',
    });
    expect(tokens.verify(none)).toBeNull();
    const badRole = jwt.sign({ role: 'root', email: 'x', name: 'x' }, SECRET, {
      subject: 's',
      issuer: 'complaint-gateway',
      audience: 'staff',
    });
    expect(tokens.verify(badRole)).toBeNull();
  });

  it('remember a verified token until its expiry only, and never a forged one', () => {
    jest.useFakeTimers({ now: new Date('2026-12-03T10:00:00.400Z') });
    try {
      const short = new StaffTokenService(SECRET, 60);
      const { token } = short.issue(principal);
      expect(short.verify(token)).toEqual(principal);
      // The remembered answer is a copy: a caller changing it changes nothing for the next one.
      short.verify(token)!.role = 'admin';
      expect(short.verify(token)).toEqual(principal);
      // Same claims, another signature: refused, remembered or not.
      const [head, body, sig] = token.split('.');
      const forged = `${head}.${body}.${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BB' : 'AA'}`;
      expect(short.verify(forged)).toBeNull();
      jest.setSystemTime(new Date('2026-12-03T10:00:59.900Z'));
      expect(short.verify(token)).toEqual(principal);
      // Expired from the second its `exp` names, as jsonwebtoken decides.
      jest.setSystemTime(new Date('2026-12-03T10:01:00.000Z'));
      expect(short.verify(token)).toBeNull();
      expect(short.verify(token)).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('permissions', () => {
  it('let only hotline operators (and admins) log calls', () => {
    expect(hasPermission('hotline_operator', 'hotline:log-call')).toBe(true);
    expect(hasPermission('admin', 'hotline:log-call')).toBe(true);
    for (const role of ['postal_clerk', 'cs_agent', 'department_staff', 'supervisor'] as const) {
      expect(hasPermission(role, 'hotline:log-call')).toBe(false);
    }
  });
});

describe('passwords', () => {
  it('hash with argon2id and verify only the right password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(hash, 'correct horse')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'wrong horse')).resolves.toBe(false);
    await expect(verifyPassword('not-a-hash', 'x')).resolves.toBe(false);
  });
});
