import { OFFICIAL_SCHEDULES, formatScheduleSource, parseOfficialSchedule, safeParseOfficialSchedule, type ScheduleDay } from './schedule';
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

describe('entry sources', () => {
  const withSource = (source: unknown) => ({
    ...valid,
    daysOff: [{ date: '2027-01-01', reason: 'Tết Dương lịch', source }],
    workingDays: [],
  });

  it('accepts and normalizes a source per entry', () => {
    const s = parseOfficialSchedule(
      withSource({
        document: ' Thông báo 1234/TB-BNV ',
        issuer: 'Bộ Nội vụ',
        date: '2026-10-15',
        basis: 'Công văn 1/VPCP-KGVX',
        pages: [{ title: 'Thông báo', url: 'https://example.org/tb' }],
        note: 'read in the press',
      }),
    );
    expect(s.daysOff[0]!.source).toEqual({
      document: 'Thông báo 1234/TB-BNV',
      issuer: 'Bộ Nội vụ',
      date: '2026-10-15',
      basis: 'Công văn 1/VPCP-KGVX',
      pages: [{ title: 'Thông báo', url: 'https://example.org/tb' }],
      note: 'read in the press',
    });
    expect(formatScheduleSource(s.daysOff[0]!.source!)).toBe('Thông báo 1234/TB-BNV (Bộ Nội vụ, 2026-10-15)');
  });

  it('keeps entries without a source valid (documents loaded by an admin)', () => {
    expect(parseOfficialSchedule(valid).daysOff.every((d) => d.source === undefined)).toBe(true);
  });

  it('reports every problem in a source with its path', () => {
    const r = safeParseOfficialSchedule(
      withSource({ document: '', issuer: 'x', date: '2026-13-01', pages: [{ title: 't', url: 'ftp://x' }, 'no'], extra: 1 }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual([
      'daysOff[0].source.extra',
      'daysOff[0].source.document',
      'daysOff[0].source.date',
      'daysOff[0].source.pages[0].url',
      'daysOff[0].source.pages[1]',
    ]);
    expect(safeParseOfficialSchedule(withSource('Thông báo 1'))).toMatchObject({ ok: false, issues: [{ path: 'daysOff[0].source' }] });
  });
});

describe('shipped official schedules', () => {
  const s2026 = OFFICIAL_SCHEDULES.find((s) => s.year === 2026)!;
  const s2025 = OFFICIAL_SCHEDULES.find((s) => s.year === 2025)!;
  const docOf = (entries: readonly ScheduleDay[], date: string): string | undefined =>
    entries.find((d) => d.date === date)?.source?.document;

  it('2026: 1–4/1 with Saturday 10/1 worked; Tết 14–22/2; Giỗ Tổ 26/4 + 27/4; 30/4, 1/5; 31/8–2/9 with Saturday 22/8 worked', () => {
    expect(s2026.version).toBe(2);
    expect(s2026.source).toMatch(/9441\/TB-BNV/);
    expect(s2026.source).toMatch(/12729\/VPCP-KGVX/);
    expect(s2026.daysOff.map((d) => d.date)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
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
    expect(s2026.workingDays.map((d) => d.date)).toEqual(['2026-01-10', '2026-08-22']);
  });

  it('2026: each entry names the document it comes from', () => {
    for (const d of ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']) expect(docOf(s2026.daysOff, d)).toMatch(/12729\/VPCP-KGVX/);
    expect(docOf(s2026.workingDays, '2026-01-10')).toMatch(/12729\/VPCP-KGVX/);
    for (let day = 14; day <= 22; day++) expect(docOf(s2026.daysOff, `2026-02-${day}`)).toMatch(/9441\/TB-BNV/);
    for (const d of ['2026-08-31', '2026-09-01', '2026-09-02']) expect(docOf(s2026.daysOff, d)).toMatch(/9441\/TB-BNV/);
    expect(docOf(s2026.workingDays, '2026-08-22')).toMatch(/9441\/TB-BNV/);
    for (const d of ['2026-04-26', '2026-04-27', '2026-04-30', '2026-05-01']) expect(docOf(s2026.daysOff, d)).toMatch(/45\/2019\/QH14/);
    expect(s2026.daysOff.find((d) => d.date === '2026-02-17')!.source).toMatchObject({
      issuer: 'Bộ Nội vụ',
      date: '2025-10-16',
      basis: expect.stringContaining('9859/VPCP-KGVX'),
    });
  });

  it('2025: 1/1; Tết 25/1–2/2; 7/4; 30/4–2/5 with Saturday 26/4 worked; 1–2/9', () => {
    expect(s2025.version).toBe(2);
    expect(s2025.source).toMatch(/6150\/TB-BLĐTBXH/);
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

  it('2025: each entry names the document it comes from', () => {
    for (const d of ['2025-01-25', '2025-01-29', '2025-02-02', '2025-04-30', '2025-05-01', '2025-05-02', '2025-09-01', '2025-09-02']) {
      expect(docOf(s2025.daysOff, d)).toMatch(/6150\/TB-BLĐTBXH/);
    }
    expect(docOf(s2025.workingDays, '2025-04-26')).toMatch(/6150\/TB-BLĐTBXH/);
    for (const d of ['2025-01-01', '2025-04-07']) expect(docOf(s2025.daysOff, d)).toMatch(/45\/2019\/QH14/);
    expect(s2025.daysOff.find((d) => d.date === '2025-05-02')!.source).toMatchObject({
      issuer: 'Bộ Lao động - Thương binh và Xã hội',
      date: '2024-12-03',
      basis: expect.stringContaining('8726/VPCP-KGVX'),
    });
  });

  it('every shipped entry has a source with an issuer, a date and at least one page', () => {
    for (const s of OFFICIAL_SCHEDULES) {
      for (const d of [...s.daysOff, ...s.workingDays]) {
        expect(d.source).toMatchObject({ document: expect.any(String), issuer: expect.any(String), date: expect.any(String) });
        expect(d.source!.pages!.length).toBeGreaterThan(0);
      }
    }
  });
});
