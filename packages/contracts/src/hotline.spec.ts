import { hotlineCallRequestSchema } from './hotline';
import { CASE_NUMBER_PATTERN, formatCaseNumber } from './case-number';

describe('hotline call request', () => {
  const valid = { caller: { name: 'Nguyễn Văn An', phone: '+84 912.345-678' }, notes: 'Tên miền hết hạn' };

  it('accepts a minimal call and trims text', () => {
    const parsed = hotlineCallRequestSchema.parse({ ...valid, notes: '  Tên miền hết hạn  ' });
    expect(parsed.notes).toBe('Tên miền hết hạn');
  });

  it.each([
    [{ ...valid, notes: 'hi' }, 'notes'],
    [{ ...valid, caller: { name: 'A', phone: 'abc' } }, 'caller.phone'],
    [{ ...valid, caller: { ...valid.caller, email: 'nope' } }, 'caller.email'],
    [{ ...valid, callId: 'a b' }, 'callId'],
    [{ ...valid, callId: 'x'.repeat(129) }, 'callId'],
    [{ ...valid, resolvedOnCall: 'yes' }, 'resolvedOnCall'],
  ])('names the bad field in %j', (input, field) => {
    const r = hotlineCallRequestSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('rejects unknown fields instead of silently dropping them', () => {
    const r = hotlineCallRequestSchema.safeParse({ ...valid, priority: 'urgent' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

describe('case numbers', () => {
  it('are short, per year, zero-padded to five digits and grow past them', () => {
    expect(formatCaseNumber('KN', 2026, 42)).toBe('KN26-00042');
    expect(formatCaseNumber('KN', 2031, 1234567)).toBe('KN31-1234567');
    expect(CASE_NUMBER_PATTERN.test('KN26-00042')).toBe(true);
    expect(CASE_NUMBER_PATTERN.test('KN26-0042')).toBe(false);
    expect(CASE_NUMBER_PATTERN.test('kn26-00042')).toBe(false);
  });
});
