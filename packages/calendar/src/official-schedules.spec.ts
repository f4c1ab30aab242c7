/**
 * The shipped official schedules (2025, 2026) against the government's announcements, day by day:
 * every announced day off is not a working day, every announced make-up Saturday is one, and the
 * working days around each break stay working days. Sources: see each entry's `source` in
 * src/schedules/2025.json and 2026.json.
 */
import { createDefaultCalendar } from './working-day-calendar';

const cal = createDefaultCalendar();

interface Announced {
  /** What was announced, for the test name. */
  what: string;
  off: string[];
  worked?: string[];
  /** Ordinary working days just before/after the break (must stay working days). */
  around: string[];
  /** Document expected in the day's source. */
  source: RegExp;
}

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const ANNOUNCED_2025: Announced[] = [
  {
    what: 'Tết Dương lịch: Wednesday 1/1 only',
    off: ['2025-01-01'],
    around: ['2024-12-31', '2025-01-02', '2025-01-03'],
    source: /45\/2019\/QH14/,
  },
  {
    what: 'Tết Ất Tỵ: 25/1–2/2 (5 statutory days 27–31/1), no make-up day',
    off: range('2025-01-25', '2025-02-02'),
    around: ['2025-01-24', '2025-02-03'],
    source: /6150\/TB-BLĐTBXH/,
  },
  { what: 'Giỗ Tổ Hùng Vương: Monday 7/4', off: ['2025-04-07'], around: ['2025-04-04', '2025-04-08'], source: /45\/2019\/QH14/ },
  {
    what: '30/4–1/5: 30/4–4/5 off, Friday 2/5 swapped with Saturday 26/4',
    off: ['2025-04-30', '2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04'],
    worked: ['2025-04-26'],
    around: ['2025-04-25', '2025-04-28', '2025-04-29', '2025-05-05'],
    source: /6150\/TB-BLĐTBXH/,
  },
  {
    what: 'Quốc khánh: 30/8–2/9 (1/9 and 2/9), no extra day for the 80th anniversary',
    off: ['2025-08-30', '2025-08-31', '2025-09-01', '2025-09-02'],
    around: ['2025-08-29', '2025-09-03'],
    source: /6150\/TB-BLĐTBXH/,
  },
];

const ANNOUNCED_2026: Announced[] = [
  {
    what: 'Tết Dương lịch: 1/1–4/1 off, Friday 2/1 swapped with Saturday 10/1',
    off: range('2026-01-01', '2026-01-04'),
    worked: ['2026-01-10'],
    around: ['2025-12-31', '2026-01-05', '2026-01-09'],
    source: /12729\/VPCP-KGVX/,
  },
  {
    what: 'Tết Bính Ngọ: 14/2–22/2 (5 statutory days 16–20/2), no make-up day',
    off: range('2026-02-14', '2026-02-22'),
    around: ['2026-02-13', '2026-02-23'],
    source: /9441\/TB-BNV/,
  },
  {
    what: 'Giỗ Tổ Hùng Vương: Sunday 26/4, compensatory Monday 27/4',
    off: ['2026-04-25', '2026-04-26', '2026-04-27'],
    around: ['2026-04-24', '2026-04-28', '2026-04-29'],
    source: /45\/2019\/QH14/,
  },
  {
    what: '30/4 (Thursday) and 1/5 (Friday), no swap',
    off: ['2026-04-30', '2026-05-01', '2026-05-02', '2026-05-03'],
    around: ['2026-04-29', '2026-05-04'],
    source: /45\/2019\/QH14/,
  },
  {
    what: 'Quốc khánh: 29/8–2/9 (1/9, 2/9), Monday 31/8 swapped with Saturday 22/8',
    off: range('2026-08-29', '2026-09-02'),
    worked: ['2026-08-22'],
    around: ['2026-08-21', '2026-08-24', '2026-08-28', '2026-09-03'],
    source: /9441\/TB-BNV/,
  },
];

describe.each([
  [2025, ANNOUNCED_2025],
  [2026, ANNOUNCED_2026],
])('official schedule %i as announced', (year, announced) => {
  it('is in force (not provisional)', () => {
    expect(cal.isProvisionalYear(year)).toBe(false);
  });

  it.each(announced.map((a) => [a.what, a] as const))('%s', (_what, a) => {
    for (const d of a.off) {
      const info = cal.describeDay(d);
      expect({ date: d, working: info.working }).toEqual({ date: d, working: false });
      // Listed days name their document; unlisted ones inside a break are plain weekends.
      if (info.kind === 'official_day_off') expect(info.source).toMatch(a.source);
      else expect(info.kind).toBe('weekend');
    }
    for (const d of a.worked ?? []) {
      const info = cal.describeDay(d);
      expect({ date: d, working: info.working, kind: info.kind }).toEqual({ date: d, working: true, kind: 'makeup_working_day' });
      expect(info.source).toMatch(a.source);
      expect(info.sourceDetail?.pages?.length).toBeGreaterThan(0);
    }
    for (const d of a.around) expect({ date: d, working: cal.isWorkingDay(d) }).toEqual({ date: d, working: true });
  });

  it('has no day off or make-up day beyond those announced', () => {
    const announcedOff = new Set(announced.flatMap((a) => a.off));
    const announcedWorked = new Set(announced.flatMap((a) => a.worked ?? []));
    const schedule = cal.scheduleFor(year)!;
    for (const d of schedule.daysOff) expect(announcedOff.has(d.date) ? d.date : `unexpected day off ${d.date}`).toBe(d.date);
    for (const d of schedule.workingDays) expect(announcedWorked.has(d.date) ? d.date : `unexpected make-up day ${d.date}`).toBe(d.date);
  });
});

describe('explanations name the entry’s own source', () => {
  it('New Year 2026 cites the Government Office letter, Tết 2026 the Ministry of Home Affairs notice', () => {
    expect(cal.describeDay('2026-01-02')).toMatchObject({
      kind: 'official_day_off',
      source: 'Công văn 12729/VPCP-KGVX (Văn phòng Chính phủ, 2025-12-25)',
      sourceDetail: { document: 'Công văn 12729/VPCP-KGVX', date: '2025-12-25' },
    });
    expect(cal.describeDay('2026-02-17').reason).toContain('Thông báo 9441/TB-BNV');
    expect(cal.describeDay('2026-04-27').reason).toContain('Bộ luật Lao động số 45/2019/QH14');
  });

  it('source details are frozen', () => {
    const detail = cal.describeDay('2025-05-02').sourceDetail!;
    expect(Object.isFrozen(detail)).toBe(true);
    expect(Object.isFrozen(detail.pages)).toBe(true);
  });
});
