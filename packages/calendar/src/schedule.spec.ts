import { OFFICIAL_SCHEDULES, parseOfficialSchedule, safeParseOfficialSchedule } from './schedule';
import { ScheduleValidationError } from './errors';

const valid = {
  year: 2027,
  version: 2,
  source: 'Thông báo 1234/TB-BNV',
  publishedAt: '2026-10-15',
  daysOff: [
    { date: '2027-02-12', reason: 'Tết (hoán đổi)' },
    { date: '2027-01-01', reason: 'Tết Dương lịch' },
  ],
  workingDays: [{ date: '2027-02-20', reason: 'Làm bù cho 12/2' }],
};

describe('parseOfficialSchedule', () => {
  it('accepts a valid document and normalizes it (days sorted)', () => {
    const s = parseOfficialSchedule(valid);
    expect(s.daysOff.map((d) => d.date)).toEqual(['2027-01-01', '2027-02-12']);
    expect(s.workingDays).toEqual([{ date: '2027-02-20', reason: 'Làm bù cho 12/2' }]);
    expect(s.publishedAt).toBe('2026-10-15');
  });

  it('accepts a JSON string', () => {
    expect(parseOfficialSchedule(JSON.stringify(valid)).year).toBe(2027);
  });

  it('reports every problem with its path', () => {
    const bad = {
      year: 2027,
      version: 0,
      source: '  ',
      extra: true,
      daysOff: [
        { date: '2027-02-30', reason: 'no such day' },
        { date: '2026-12-31', reason: 'wrong year' },
        { date: '2027-01-01', reason: '' },
        { date: '2027-03-01', reason: 'ok' },
        { date: '2027-03-01', reason: 'duplicate' },
      ],
      workingDays: [{ date: '2027-02-17', reason: 'a Wednesday is not a make-up day' }],
    };
    const r = safeParseOfficialSchedule(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual([
      'extra',
      'version',
      'source',
      'daysOff[0].date',
      'daysOff[1].date',
      'daysOff[2].reason',
      'daysOff[4].date',
      'workingDays[0].date',
    ]);
    expect(() => parseOfficialSchedule(bad)).toThrow(ScheduleValidationError);
    try {
      parseOfficialSchedule(bad);
    } catch (e) {
      expect((e as ScheduleValidationError).code).toBe('INVALID_SCHEDULE');
      expect((e as ScheduleValidationError).issues).toHaveLength(8);
    }
  });

  it('rejects a date listed both as day off and working day', () => {
    const r = safeParseOfficialSchedule({
      ...valid,
      workingDays: [{ date: '2027-01-02', reason: 'x' }],
      daysOff: [{ date: '2027-01-02', reason: 'y' }],
    });
    expect(r.ok).toBe(false);
  });

  it('rejects non-objects, bad JSON and missing arrays', () => {
    expect(safeParseOfficialSchedule(null)).toMatchObject({ ok: false });
    expect(safeParseOfficialSchedule('{not json')).toMatchObject({ ok: false, issues: [{ path: '' }] });
    const { daysOff: _omit, ...noDays } = valid;
    expect(safeParseOfficialSchedule(noDays)).toMatchObject({ ok: false, issues: [{ path: 'daysOff' }] });
  });
});

describe('shipped official schedules', () => {
  const s2026 = OFFICIAL_SCHEDULES.find((s) => s.year === 2026)!;
  const s2025 = OFFICIAL_SCHEDULES.find((s) => s.year === 2025)!;

  it('2026: Tết 14–22/2, Giỗ Tổ 26/4 + 27/4, 30/4, 1/5, 31/8–2/9; Saturday 22/8 worked', () => {
    expect(s2026.source).toMatch(/9441\/TB-BNV/);
    expect(s2026.daysOff.map((d) => d.date)).toEqual([
      '2026-01-01',
      '2026-02-14',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-08-31',
      '2026-09-01',
      '2026-09-02',
    ]);
    expect(s2026.workingDays.map((d) => d.date)).toEqual(['2026-08-22']);
  });

  it('2025: 1/1; Tết 25/1–2/2; 7/4; 30/4–2/5 with Saturday 26/4 worked; 1–2/9', () => {
    expect(s2025.source).toMatch(/6150\/TB-LĐTBXH/);
    expect(s2025.daysOff.map((d) => d.date)).toEqual([
      '2025-01-01',
      '2025-01-25',
      '2025-01-26',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
      '2025-02-02',
      '2025-04-07',
      '2025-04-30',
      '2025-05-01',
      '2025-05-02',
      '2025-09-01',
      '2025-09-02',
    ]);
    expect(s2025.workingDays.map((d) => d.date)).toEqual(['2025-04-26']);
  });
});
