import { WorkingDayCalendar, createDefaultCalendar } from './working-day-calendar';
import { OFFICIAL_SCHEDULES, type OfficialSchedule } from './schedule';
import { CalendarError } from './errors';

describe('WorkingDayCalendar with the shipped official schedules', () => {
  const cal = createDefaultCalendar();

  it('2026 follows the official schedule, not provisional', () => {
    expect(cal.isProvisionalYear(2026)).toBe(false);
    expect(cal.isWorkingDay('2026-02-13')).toBe(true); // Fri before Tết
    for (const d of ['2026-02-14', '2026-02-16', '2026-02-20', '2026-02-22']) expect(cal.isWorkingDay(d)).toBe(false);
    expect(cal.isWorkingDay('2026-02-23')).toBe(true); // Mon after Tết
    expect(cal.isWorkingDay('2026-04-27')).toBe(false); // Giỗ Tổ made up
    expect(cal.isWorkingDay('2026-08-31')).toBe(false); // swapped
    expect(cal.isWorkingDay('2026-08-22')).toBe(true); // make-up Saturday
    expect(cal.isWorkingDay('2026-08-29')).toBe(false); // ordinary Saturday
  });

  it('describeDay explains each kind of day', () => {
    expect(cal.describeDay('2026-02-17')).toMatchObject({
      working: false,
      kind: 'official_day_off',
      provisional: false,
      source: expect.stringContaining('9441/TB-BNV'),
      reason: expect.stringContaining('Tết'),
    });
    expect(cal.describeDay('2026-08-22')).toMatchObject({ working: true, kind: 'makeup_working_day', weekday: 6 });
    expect(cal.describeDay('2026-03-07')).toMatchObject({ working: false, kind: 'weekend', reason: 'Saturday (weekly rest day)' });
    expect(cal.describeDay('2026-03-09')).toMatchObject({ working: true, kind: 'working_day', provisional: false });
  });

  it('2025: official Tết break 25/1–2/2 (Mon 27/1 off, Mon 3/2 worked) and the 26/4 ↔ 2/5 swap', () => {
    expect(cal.isWorkingDay('2025-01-24')).toBe(true);
    expect(cal.isWorkingDay('2025-01-27')).toBe(false);
    expect(cal.isWorkingDay('2025-02-03')).toBe(true);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(cal.isWorkingDay('2025-05-02')).toBe(false);
  });

  it('years without a schedule are provisional, from the statutory holidays', () => {
    expect(cal.isProvisionalYear(2027)).toBe(true);
    expect(cal.describeDay('2027-02-10')).toMatchObject({
      working: false,
      kind: 'compensatory_day_off',
      provisional: true,
      holiday: { kind: 'compensatory', compensatesFor: '2027-02-06' },
    });
    expect(cal.describeDay('2027-02-06')).toMatchObject({ working: false, kind: 'public_holiday', provisional: true });
    expect(cal.describeDay('2027-02-12')).toMatchObject({ working: true, kind: 'working_day', provisional: true });
  });

  it('helpers: addWorkingDays, nextWorkingDayOnOrAfter, daysOffBetween', () => {
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-23');
    expect(cal.addWorkingDays('2026-02-13', 0)).toBe('2026-02-13');
    expect(cal.nextWorkingDayOnOrAfter('2026-02-14')).toBe('2026-02-23');
    expect(cal.daysOffBetween('2026-04-25', '2026-05-03').map((d) => d.date)).toEqual([
      '2026-04-25',
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
    ]);
  });

  it('rejects malformed dates and unsupported years', () => {
    expect(() => cal.isWorkingDay('2026-2-3')).toThrow(CalendarError);
    expect(() => cal.describeDay('2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => cal.isWorkingDay('2300-01-02')).toThrow(expect.objectContaining({ code: 'YEAR_OUT_OF_RANGE' }));
  });
});

describe('WorkingDayCalendar without official schedules', () => {
  const statutory = new WorkingDayCalendar([]);
  it('2026 computed: Tết 16–20/2 only; 31/8 is a working day', () => {
    expect(statutory.isProvisionalYear(2026)).toBe(true);
    expect(statutory.describeDay('2026-02-14').kind).toBe('weekend');
    expect(statutory.isWorkingDay('2026-02-16')).toBe(false);
    expect(statutory.isWorkingDay('2026-08-31')).toBe(true);
    expect(statutory.isWorkingDay('2026-08-22')).toBe(false);
  });
  it('2025 computed: Tết 28/1–1/2 with Monday 3/2 made up', () => {
    expect(statutory.isWorkingDay('2025-01-27')).toBe(true);
    expect(statutory.isWorkingDay('2025-02-03')).toBe(false);
  });
  it('options: 3/9 as the day next to National Day', () => {
    const after = new WorkingDayCalendar([], { nationalDayAdjacent: 'after' });
    expect(after.isWorkingDay('2027-09-01')).toBe(true);
    expect(after.isWorkingDay('2027-09-03')).toBe(false);
  });
});

describe('loading schedules', () => {
  const s2027: OfficialSchedule = {
    year: 2027,
    version: 1,
    source: 'Thông báo thử nghiệm',
    daysOff: [{ date: '2027-02-12', reason: 'Tết (hoán đổi)' }],
    workingDays: [{ date: '2027-02-20', reason: 'Làm bù cho 12/2' }],
  };

  it('withSchedules returns a new calendar and leaves the old one untouched', () => {
    const base = createDefaultCalendar();
    const next = base.withSchedules(s2027);
    expect(base.isWorkingDay('2027-02-12')).toBe(true);
    expect(next.isWorkingDay('2027-02-12')).toBe(false);
    expect(next.isWorkingDay('2027-02-20')).toBe(true);
    // A schedule replaces the computed holidays of its year entirely.
    expect(next.isWorkingDay('2027-02-10')).toBe(true);
    expect(next.isProvisionalYear(2027)).toBe(false);
    expect(next.schedules().map((s) => s.year)).toEqual([2025, 2026, 2027]);
  });

  it('the higher version of a year wins', () => {
    const v2 = { ...s2027, version: 2, daysOff: [], workingDays: [] };
    expect(new WorkingDayCalendar([v2, s2027]).scheduleFor(2027)?.version).toBe(2);
    expect(new WorkingDayCalendar([s2027, v2]).isWorkingDay('2027-02-12')).toBe(true);
  });

  it('validates schedules given to the constructor', () => {
    const bad = { ...OFFICIAL_SCHEDULES[0]!, source: '' };
    expect(() => new WorkingDayCalendar([bad])).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE' }));
  });
});
