import { deadlineDay, numericDate, toInstant, vnDay, vnTime } from './dates';

describe('letter dates (Asia/Ho_Chi_Minh)', () => {
  it('prints the Vietnamese day of an instant late in the UTC day', () => {
    const instant = new Date('2026-12-02T18:30:00Z'); // 01:30 on 3 December in Vietnam
    expect(numericDate(vnDay(instant))).toBe('03/12/2026');
    expect(vnTime(instant)).toBe('01:30');
  });

  it('reads a deadline as the day it ends: YYYY-MM-DD as is, 24:00 as the day before midnight', () => {
    expect(deadlineDay('2026-02-27')).toEqual({ year: 2026, month: 2, day: 27 });
    // What the calendar stores as dueAt: 24:00 ICT of 27 February = 17:00Z.
    expect(deadlineDay(new Date('2026-02-27T17:00:00.000Z'))).toEqual({ year: 2026, month: 2, day: 27 });
    expect(deadlineDay('2026-02-27T17:00:00.000Z')).toEqual({ year: 2026, month: 2, day: 27 });
  });

  it('accepts Date, ISO date-times with an offset and plain days; refuses the rest', () => {
    expect(toInstant('2026-12-03')?.toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(toInstant('2026-12-03T10:00:00+07:00')?.toISOString()).toBe('2026-12-03T03:00:00.000Z');
    expect(toInstant(new Date('2026-12-03T03:00:00Z'))?.toISOString()).toBe('2026-12-03T03:00:00.000Z');
    expect(toInstant('2026-02-30')).toBeUndefined();
    expect(toInstant('2026-12-03T10:00:00')).toBeUndefined(); // no offset: ambiguous
    expect(toInstant('3/12/2026')).toBeUndefined();
    expect(toInstant(new Date('nope'))).toBeUndefined();
  });
});
