import {
  computeDeadlines,
  DEFAULT_DEADLINE_POLICY,
  extendTarget,
  formatDeadlineExplanation,
  resolvePolicy,
  startOfLastWorkingDayBefore,
} from './deadlines';
import { createDefaultCalendar } from './working-day-calendar';
import { DeadlineError } from './errors';

const cal = createDefaultCalendar(); // official 2025 + 2026, provisional afterwards
const due = (receivedAt: string) => computeDeadlines(receivedAt, DEFAULT_DEADLINE_POLICY, cal);

describe('computeDeadlines — target (5 working days, receipt day not counted)', () => {
  it('receipt Fri 13/2/2026 (day before the official Tết break 14–22/2) → target Fri 27/2, cap Fri 20/3', () => {
    // Count from Sat 14/2: 14–22/2 off; 23(1) 24(2) 25(3) 26(4) 27(5).
    // Cap: 23–27/2 (5), 2–6/3 (10), 9–13/3 (15), 16–20/3 (20).
    const r = due('2026-02-13T10:00:00+07:00');
    expect(r.receivedDate).toBe('2026-02-13');
    expect(r.target.dueDate).toBe('2026-02-27');
    expect(r.target.dueAt.toISOString()).toBe('2026-02-27T17:00:00.000Z'); // 24:00 ICT
    expect(r.target.workingDays).toBe(5);
    expect(r.cap.dueDate).toBe('2026-03-20');
    expect(r.cap.dueAt.toISOString()).toBe('2026-03-20T17:00:00.000Z');
    const skippedBeforeTarget = r.explanation.skipped.filter((s) => s.date <= r.target.dueDate);
    expect(skippedBeforeTarget.map((s) => s.date)).toEqual([
      '2026-02-14',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
    ]);
    expect(skippedBeforeTarget.every((s) => s.kind === 'official_day_off' && s.source?.includes('9441'))).toBe(true);
    // Between target and cap only weekends: 28/2, 1/3, 7–8/3, 14–15/3.
    expect(r.explanation.skipped.filter((s) => s.date > r.target.dueDate).map((s) => s.kind)).toEqual(Array(6).fill('weekend'));
    expect(r.explanation.provisional).toBe(false);
    expect(r.explanation.countingStartsOn).toBe('2026-02-14');
  });

  it('the local (Asia/Ho_Chi_Minh) day counts: 2026-02-13T20:00Z is Saturday 14/2 at 03:00', () => {
    const r = due('2026-02-13T20:00:00Z');
    expect(r.receivedDate).toBe('2026-02-14');
    expect(r.explanation.receivedLocal).toBe('2026-02-14 03:00 +07:00');
    expect(r.explanation.receiptDay.kind).toBe('official_day_off');
    expect(r.target.dueDate).toBe('2026-02-27');
    expect(r.explanation.skipped[0]!.date).toBe('2026-02-15'); // the receipt day itself is not listed
  });

  it('late evening local time: Thu 5/3/2026 23:30 ICT counts from Fri 6/3; 00:30 ICT Fri counts from Sat 7/3', () => {
    // 16:30Z = 23:30 ICT Thu 5/3 → 6(1) 9(2) 10(3) 11(4) 12(5) → Thu 12/3.
    expect(due('2026-03-05T16:30:00Z').target.dueDate).toBe('2026-03-12');
    // 17:30Z = 00:30 ICT Fri 6/3 → 9 10 11 12 13 → Fri 13/3.
    expect(due('2026-03-05T17:30:00Z').target.dueDate).toBe('2026-03-13');
    expect(due('2026-03-05T16:59:59.999Z').receivedDate).toBe('2026-03-05');
    expect(due('2026-03-05T17:00:00Z').receivedDate).toBe('2026-03-06');
  });

  it('receipt on a weekend counts from the next day: Sat 7/3 and Sun 8/3/2026 → Fri 13/3', () => {
    expect(due('2026-03-07T09:00:00+07:00').target.dueDate).toBe('2026-03-13');
    expect(due('2026-03-08T09:00:00+07:00').target.dueDate).toBe('2026-03-13');
  });

  it('receipt on a holiday: Mon 27/4/2026 (Giỗ Tổ made up) → Wed 6/5 across 30/4–1/5', () => {
    // 28(1) 29(2) | 30/4, 1/5 off, 2–3/5 weekend | 4(3) 5(4) 6(5).
    const r = due('2026-04-27T09:00:00+07:00');
    expect(r.explanation.receiptDay.working).toBe(false);
    expect(r.target.dueDate).toBe('2026-05-06');
    expect(r.explanation.skipped.filter((s) => s.date <= '2026-05-06').map((s) => `${s.date} ${s.kind}`)).toEqual([
      '2026-04-30 official_day_off',
      '2026-05-01 official_day_off',
      '2026-05-02 weekend',
      '2026-05-03 weekend',
    ]);
  });

  it('Giỗ Tổ 2026: receipt Thu 23/4 → Tue 5/5', () => {
    // 24(1) | 25–26 weekend (26 Giỗ Tổ), 27 made up | 28(2) 29(3) | 30/4–3/5 | 4(4) 5(5).
    expect(due('2026-04-23T09:00:00+07:00').target.dueDate).toBe('2026-05-05');
  });

  it('make-up Saturday 22/8/2026 is counted and reported; Quốc khánh 31/8–2/9 is skipped', () => {
    // 20(1) 21(2) Sat 22(3, make-up) | Sun 23 | 24(4) 25(5).
    const r = due('2026-08-19T09:00:00+07:00');
    expect(r.target.dueDate).toBe('2026-08-25');
    expect(r.explanation.makeupWorkingDays.map((d) => d.date)).toEqual(['2026-08-22']);
    expect(formatDeadlineExplanation(r).join('\n')).toContain('Make-up working days counted');
    // Fri 28/8 → 29–30 weekend, 31/8–2/9 off → 3(1) 4(2) 7(3) 8(4) 9(5).
    expect(due('2026-08-28T09:00:00+07:00').target.dueDate).toBe('2026-09-09');
  });

  it('2025 official swap: Saturday 26/4 worked, Friday 2/5 off', () => {
    // Thu 24/4: 25(1) Sat 26(2) | 27 Sun | 28(3) 29(4) | 30/4, 1/5, 2/5 off, 3–4 weekend | 5/5(5).
    expect(due('2025-04-24T09:00:00+07:00').target.dueDate).toBe('2025-05-05');
  });

  it('Tết 2027 (provisional): Thu 4/2/2027 → Thu 18/2', () => {
    // 5/2 (last lunar day), 6–9/2 (mùng 1–4), 10–11/2 made up for Sat/Sun → 12(1) 15(2) 16(3) 17(4) 18(5).
    const r = due('2027-02-04T10:00:00+07:00');
    expect(r.target.dueDate).toBe('2027-02-18');
    expect(r.explanation.provisional).toBe(true);
    expect(r.explanation.provisionalYears).toEqual([2027]);
    expect(r.explanation.skipped.slice(0, 7).map((s) => s.kind)).toEqual([
      'public_holiday',
      'public_holiday',
      'public_holiday',
      'public_holiday',
      'public_holiday',
      'compensatory_day_off',
      'compensatory_day_off',
    ]);
    expect(r.explanation.skipped[0]!.reason).toMatch(/provisional/);
  });

  it('Tết 2028 (provisional): Mon 24/1/2028 → Mon 7/2', () => {
    // 25–29/1 Tết (29 = Sat), 30 Sun, 31 made up → 1/2(1) 2(2) 3(3) 4(4) 7(5).
    expect(due('2028-01-24T10:00:00+07:00').target.dueDate).toBe('2028-02-07');
  });

  it('Giỗ Tổ and 30/4–1/5 in 2027 and 2028 (provisional)', () => {
    // 2027: Giỗ Tổ Fri 16/4. Wed 14/4 → 15(1) | 16 off, 17–18 | 19(2) 20(3) 21(4) 22(5).
    expect(due('2027-04-14T10:00:00+07:00').target.dueDate).toBe('2027-04-22');
    // 2027: 30/4 Fri, 1/5 Sat → made up Mon 3/5. Wed 28/4 → 29(1) | 30, 1, 2, 3 | 4(2) 5(3) 6(4) 7(5).
    expect(due('2027-04-28T10:00:00+07:00').target.dueDate).toBe('2027-05-07');
    // 2028: Giỗ Tổ Tue 4/4. Fri 31/3 → 3(1) | 4 | 5(2) 6(3) 7(4) 10(5).
    expect(due('2028-03-31T10:00:00+07:00').target.dueDate).toBe('2028-04-10');
    // 2028: 30/4 Sun, 1/5 Mon, made up Tue 2/5. Fri 28/4 → 3(1) 4(2) 5(3) 8(4) 9(5).
    const r = due('2028-04-28T10:00:00+07:00');
    expect(r.target.dueDate).toBe('2028-05-09');
    expect(r.explanation.skipped.filter((s) => s.date <= '2028-05-09').map((s) => s.date)).toEqual([
      '2028-04-29',
      '2028-04-30',
      '2028-05-01',
      '2028-05-02',
      '2028-05-06',
      '2028-05-07',
    ]);
  });

  it('accepts a Date and, for strings without offset, reads Vietnam local time', () => {
    expect(computeDeadlines(new Date('2026-03-05T16:30:00Z')).target.dueDate).toBe('2026-03-12');
    expect(due('2026-03-05T23:30').receivedDate).toBe('2026-03-05');
    expect(() => due('yesterday')).toThrow(expect.objectContaining({ code: 'INVALID_INSTANT' }));
    expect(() => computeDeadlines(new Date(Number.NaN))).toThrow(DeadlineError);
  });
});

describe('cap policy', () => {
  it('calendar-day cap: 20 calendar days after the receipt day', () => {
    const r = computeDeadlines('2026-02-13T10:00:00+07:00', { targetWorkingDays: 5, capLength: 20, capUnit: 'calendar_days' }, cal);
    expect(r.cap.dueDate).toBe('2026-03-05'); // 13/2 + 20 days
    expect(r.cap.unit).toBe('calendar_days');
    expect(r.target.dueDate).toBe('2026-02-27');
  });

  it('a target that would pass a calendar-day cap is clamped to it, with a note', () => {
    // Mon 2/3/2026, 10 working days → 16/3, but the cap is 2/3 + 10 = 12/3 (8 working days).
    const r = computeDeadlines('2026-03-02T10:00:00+07:00', { targetWorkingDays: 10, capLength: 10, capUnit: 'calendar_days' }, cal);
    expect(r.target.dueDate).toBe('2026-03-12');
    expect(r.target.workingDays).toBe(8);
    expect(r.explanation.notes[0]).toMatch(/clamp|set to the cap/);
  });

  it('invalid policies are rejected with INVALID_POLICY', () => {
    expect(() => resolvePolicy({ targetWorkingDays: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
    expect(() => resolvePolicy({ targetWorkingDays: 10, capLength: 5 })).toThrow(/shorter/);
    expect(() => resolvePolicy({ capUnit: 'weeks' as never })).toThrow(DeadlineError);
    expect(resolvePolicy({ targetWorkingDays: 3 })).toEqual({ targetWorkingDays: 3, capLength: 20, capUnit: 'working_days' });
  });
});

describe('extendTarget', () => {
  const base = due('2026-02-13T10:00:00+07:00'); // target 27/2, cap 20/3
  const ok = { reason: 'Cần nhà cung cấp tên miền xác minh', approvedBy: 'supervisor:lan' };

  it('moves the target by working days and records the extension', () => {
    // 27/2 + 5 working days → 2,3,4,5,6/3 → Fri 6/3.
    const r = extendTarget(base, { ...ok, extraWorkingDays: 5 }, DEFAULT_DEADLINE_POLICY, cal);
    expect(r.target.dueDate).toBe('2026-03-06');
    expect(r.target.dueAt.toISOString()).toBe('2026-03-06T17:00:00.000Z');
    expect(r.target.workingDays).toBe(10);
    expect(r.cap.dueDate).toBe('2026-03-20');
    expect(r.extensions).toEqual([
      { from: '2026-02-27', to: '2026-03-06', extraWorkingDays: 5, reason: ok.reason, approvedBy: ok.approvedBy },
    ]);
    // A second extension to exactly the cap is allowed; history accumulates.
    const r2 = extendTarget(r, { ...ok, newDueDate: '2026-03-20' }, DEFAULT_DEADLINE_POLICY, cal);
    expect(r2.target.dueDate).toBe('2026-03-20');
    expect(r2.extensions).toHaveLength(2);
    expect(r2.extensions[1]!.extraWorkingDays).toBe(10);
  });

  it('never passes the cap', () => {
    // 27/2 + 16 working days = Mon 23/3 > cap 20/3; +15 = 20/3 is fine.
    expect(() => extendTarget(base, { ...ok, extraWorkingDays: 16 }, DEFAULT_DEADLINE_POLICY, cal)).toThrow(
      expect.objectContaining({ code: 'EXTENSION_BEYOND_CAP', details: { requested: '2026-03-23', cap: '2026-03-20' } }),
    );
    expect(extendTarget(base, { ...ok, extraWorkingDays: 15 }, DEFAULT_DEADLINE_POLICY, cal).target.dueDate).toBe('2026-03-20');
    expect(() => extendTarget(base, { ...ok, newDueDate: '2026-03-21' }, DEFAULT_DEADLINE_POLICY, cal)).toThrow(DeadlineError);
  });

  it('requires a reason and an approver', () => {
    expect(() => extendTarget(base, { reason: '  ', approvedBy: 'x', extraWorkingDays: 1 }, DEFAULT_DEADLINE_POLICY, cal)).toThrow(
      expect.objectContaining({ code: 'EXTENSION_REASON_REQUIRED' }),
    );
    expect(() => extendTarget(base, { reason: 'r', approvedBy: '', extraWorkingDays: 1 }, DEFAULT_DEADLINE_POLICY, cal)).toThrow(
      expect.objectContaining({ code: 'EXTENSION_APPROVER_REQUIRED' }),
    );
  });

  it('rejects malformed requests', () => {
    const code = (req: Parameters<typeof extendTarget>[1]) => {
      try {
        extendTarget(base, req, DEFAULT_DEADLINE_POLICY, cal);
        return 'no error';
      } catch (e) {
        return (e as DeadlineError).code;
      }
    };
    expect(code({ ...ok })).toBe('EXTENSION_INVALID');
    expect(code({ ...ok, extraWorkingDays: 2, newDueDate: '2026-03-02' })).toBe('EXTENSION_INVALID');
    expect(code({ ...ok, extraWorkingDays: 0 })).toBe('EXTENSION_INVALID');
    expect(code({ ...ok, extraWorkingDays: 1.5 })).toBe('EXTENSION_INVALID');
    expect(code({ ...ok, newDueDate: '2026-02-31' })).toBe('EXTENSION_INVALID');
    expect(code({ ...ok, newDueDate: '2026-02-27' })).toBe('EXTENSION_NOT_LATER');
  });

  it('works from a stored state (receivedAt as a string)', () => {
    const stored = { receivedAt: '2026-02-13T03:00:00.000Z', target: { dueDate: '2026-02-27' } };
    expect(extendTarget(stored, { ...ok, extraWorkingDays: 1 }, DEFAULT_DEADLINE_POLICY, cal).target.dueDate).toBe('2026-03-02');
  });
});

describe('startOfLastWorkingDayBefore (reminders)', () => {
  it('start of the due day, or k working days earlier, at 00:00 ICT', () => {
    const r = due('2026-02-13T10:00:00+07:00'); // target Fri 27/2/2026
    expect(startOfLastWorkingDayBefore(r.target, cal).toISOString()).toBe('2026-02-26T17:00:00.000Z'); // 27/2 00:00 ICT
    expect(startOfLastWorkingDayBefore(r.target.dueAt, cal).toISOString()).toBe('2026-02-26T17:00:00.000Z');
    expect(startOfLastWorkingDayBefore(r.target, cal, 1).toISOString()).toBe('2026-02-25T17:00:00.000Z'); // 26/2
    // Mon 23/2 − 1 working day → Fri 13/2 (the whole Tết break is skipped).
    expect(startOfLastWorkingDayBefore({ dueDate: '2026-02-23' }, cal, 1).toISOString()).toBe('2026-02-12T17:00:00.000Z');
  });

  it('a due date on a day off falls back to the previous working day', () => {
    // Calendar-day cap on Sunday 8/3/2026 → Friday 6/3.
    expect(startOfLastWorkingDayBefore({ dueDate: '2026-03-08' }, cal).toISOString()).toBe('2026-03-05T17:00:00.000Z');
  });
});

// Throughput (≥ 50,000 deadlines/s) is measured by bench/deadline (npm run bench:deadline), not by a timed test.
