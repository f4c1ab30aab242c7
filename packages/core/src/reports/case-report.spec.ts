import { buildCaseReport, median, reportRange, reportTableRows, vietnamDay, vietnamDayStart, type CaseReportRow } from './case-report';
import { caseReportFacts, sameReportFacts } from './report-facts';

const H = 3_600_000;
const D = 24 * H;
/** An instant given as Vietnam local time (UTC+7). */
const vn = (local: string) => new Date(`${local}+07:00`);

describe('reportRange: Vietnam days and ISO weeks', () => {
  it('covers from 00:00 to the end of `to` in Vietnam', () => {
    const r = reportRange('2026-03-02', '2026-03-08');
    expect(r.start.toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(r.end.toISOString()).toBe('2026-03-08T17:00:00.000Z');
    expect(r.weeks).toEqual(['2026-W10']); // Monday to Sunday: one week
  });

  it('lists every week touched, across a year boundary (ISO week 53 and week 1)', () => {
    // 2026-12-28 is Monday of 2026-W53; 2027-01-03 is its Sunday; 2027-01-04 starts 2027-W01.
    expect(reportRange('2026-12-27', '2027-01-04').weeks).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    // 2027-01-01 (Friday) still belongs to 2026-W53.
    expect(reportRange('2027-01-01', '2027-01-01').weeks).toEqual(['2026-W53']);
  });

  it('refuses days that do not exist and reversed ranges', () => {
    expect(vietnamDayStart('2026-02-30')).toBeNull();
    expect(vietnamDayStart('2026-2-3')).toBeNull();
    expect(() => reportRange('2026-03-09', '2026-03-08')).toThrow(RangeError);
    expect(vietnamDay(new Date('2026-03-08T17:30:00Z'))).toBe('2026-03-09');
  });
});

describe('median', () => {
  it('middle value, mean of the two middle values, null for none', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('caseReportFacts: the small top-level facts', () => {
  const deadlines = {
    target: { dueAt: vn('2026-03-09T17:00:00'), dueDate: '2026-03-09', workingDays: 5 },
    cap: { dueAt: vn('2026-03-30T17:00:00'), dueDate: '2026-03-30', length: 20, unit: 'working_days' },
  } as never;

  it('derives the verdicts from the first answer and keeps them after a reopening', () => {
    const answered = caseReportFacts({ deadlines, answeredAt: vn('2026-03-10T09:00:00'), surveys: [] });
    expect(answered).toEqual({
      targetDueAt: vn('2026-03-09T17:00:00'),
      capDueAt: vn('2026-03-30T17:00:00'),
      firstAnsweredAt: vn('2026-03-10T09:00:00'),
      answeredWithinTarget: false,
      answeredWithinCap: true,
      rootCauseCategory: null,
      surveyRatings: [],
    });
    // Reopened: answeredAt cleared, a new target far ahead; the first answer's facts stay.
    const reopened = caseReportFacts({
      ...answered,
      deadlines: { target: { dueAt: vn('2026-04-20T17:00:00') }, cap: { dueAt: vn('2026-05-20T17:00:00') } } as never,
      surveys: [{ rating: 2, at: new Date(), afterReopen: 0 }],
    });
    expect(reopened.firstAnsweredAt).toEqual(vn('2026-03-10T09:00:00'));
    expect(reopened.answeredWithinTarget).toBe(false);
    expect(reopened.targetDueAt).toEqual(vn('2026-04-20T17:00:00'));
    expect(reopened.surveyRatings).toEqual([2]);
    expect(sameReportFacts(reopened, reopened)).toBe(true);
    expect(sameReportFacts({ ...reopened, rootCauseCategory: 'billing_error' }, reopened)).toBe(false);
    expect(sameReportFacts({}, reopened)).toBe(false);
  });

  it('an open case: nulls, not absent fields (a $set clears what no longer holds)', () => {
    const facts = caseReportFacts({ deadlines, rootCause: undefined, surveys: [] });
    expect(facts.firstAnsweredAt).toBeNull();
    expect(facts.answeredWithinTarget).toBeNull();
    expect(facts.rootCauseCategory).toBeNull();
    expect(Object.values(facts).includes(undefined as never)).toBe(false);
  });
});

describe('buildCaseReport: known cases → exact figures', () => {
  const range = reportRange('2026-03-02', '2026-03-15'); // 2026-W10 and 2026-W11
  const now = vn('2026-03-20T12:00:00');
  const target = (received: Date) => new Date(received.getTime() + 7 * D);
  const cap = (received: Date) => new Date(received.getTime() + 28 * D);
  const row = (over: Partial<CaseReportRow> & { receivedAt: Date }): CaseReportRow => ({
    channel: 'email',
    department: 'hosting',
    status: 'routed',
    targetDueAt: target(over.receivedAt),
    capDueAt: cap(over.receivedAt),
    firstAnsweredAt: null,
    answeredWithinTarget: null,
    answeredWithinCap: null,
    rootCauseCategory: null,
    surveyRatings: [],
    ...over,
  });
  const r1 = vn('2026-03-02T00:00:00'); // the range's first instant (Monday, W10)
  const r2 = vn('2026-03-08T23:59:59'); // Sunday night: still W10
  const r3 = vn('2026-03-09T00:00:00'); // Monday: W11
  const r4 = vn('2026-03-15T23:00:00'); // last day, W11
  const r5 = vn('2026-03-12T10:00:00');
  const rows: CaseReportRow[] = [
    // answered in 10 h, within both; closed, rated 5
    row({
      receivedAt: r1,
      channel: 'hotline',
      status: 'closed',
      firstAnsweredAt: new Date(r1.getTime() + 10 * H),
      answeredWithinTarget: true,
      answeredWithinCap: true,
      rootCauseCategory: 'billing_error',
      surveyRatings: [5],
    }),
    // answered in 30 h; closed, rated 2 then (after a reopening) 4
    row({
      receivedAt: r2,
      channel: 'email',
      department: 'billing',
      status: 'closed',
      firstAnsweredAt: new Date(r2.getTime() + 30 * H),
      answeredWithinTarget: true,
      answeredWithinCap: true,
      rootCauseCategory: 'billing_error',
      surveyRatings: [2, 4],
    }),
    // answered late (8 days: after the target, within the cap); no verdicts stored → computed from the dates
    row({
      receivedAt: r3,
      channel: 'postal',
      status: 'answered',
      firstAnsweredAt: new Date(r3.getTime() + 8 * D),
      answeredWithinTarget: undefined,
      answeredWithinCap: undefined,
    }),
    // open, received 4 days 13 h before now: target not yet due
    row({ receivedAt: r4, channel: 'livechat', status: 'in_progress' }),
    // open since 8 days: target passed, cap ahead; reopened-before-answer has no answer facts
    row({ receivedAt: r5, status: 'reopened', department: 'triage' }),
    // a legacy answered case without facts: its answeredAt counts (20 h), closed with another cause
    row({
      receivedAt: r3,
      status: 'closed',
      firstAnsweredAt: undefined,
      answeredAt: new Date(r3.getTime() + 20 * H),
      targetDueAt: target(r3),
      rootCauseCategory: 'staff_error',
    }),
    // left out: a merged duplicate, one received a second before the range, one at its end
    row({ receivedAt: r1, status: 'merged' }),
    row({ receivedAt: new Date(r1.getTime() - 1000) }),
    row({ receivedAt: range.end }),
  ];

  const report = buildCaseReport(rows, range, now);

  it('volumes by channel (every channel), department (most first) and week', () => {
    expect(report.cases).toBe(6);
    expect(report.volume.byChannel).toEqual([
      { key: 'hotline', count: 1 },
      { key: 'email', count: 3 },
      { key: 'livechat', count: 1 },
      { key: 'postal', count: 1 },
    ]);
    expect(report.volume.byDepartment).toEqual([
      { key: 'hosting', count: 4 },
      { key: 'billing', count: 1 },
      { key: 'triage', count: 1 },
    ]);
    expect(report.volume.byWeek).toEqual([
      { key: '2026-W10', count: 2 },
      { key: '2026-W11', count: 4 },
    ]);
  });

  it('deadlines, breaches and the median time to answer', () => {
    expect(report.deadlines).toEqual([
      { deadline: 'target', answeredWithin: 3, answeredLate: 1, openOverdue: 1, openNotDue: 1, decided: 5, share: 0.6 },
      { deadline: 'cap', answeredWithin: 4, answeredLate: 0, openOverdue: 0, openNotDue: 2, decided: 4, share: 1 },
    ]);
    expect(report.breaches).toEqual([
      { deadline: 'target', answeredLate: 1, openOverdue: 1, total: 2 },
      { deadline: 'cap', answeredLate: 0, openOverdue: 0, total: 0 },
    ]);
    // 10 h, 20 h, 30 h, 192 h → (20 + 30) / 2
    expect(report.timeToAnswer).toEqual({ answered: 4, medianHours: 25 });
  });

  it('open cases by age, root causes ranked, satisfaction', () => {
    expect(report.openByAge.map((b) => [b.bucket, b.count])).toEqual([
      ['0-1d', 0],
      ['1-3d', 0],
      ['3-7d', 1],
      ['7-14d', 1],
      ['14-30d', 0],
      ['30d+', 0],
    ]);
    expect(report.rootCauses).toEqual([
      { category: 'billing_error', count: 2, share: 0.6667 },
      { category: 'staff_error', count: 1, share: 0.3333 },
    ]);
    expect(report.satisfaction).toEqual({
      responses: 3,
      averageRating: 3.67,
      byRating: [
        { rating: 1, count: 0 },
        { rating: 2, count: 1 },
        { rating: 3, count: 0 },
        { rating: 4, count: 1 },
        { rating: 5, count: 1 },
      ],
    });
  });

  it('an empty range: zeros and nulls, every week listed', () => {
    const empty = buildCaseReport([], range, now);
    expect(empty.cases).toBe(0);
    expect(empty.volume.byWeek).toEqual([
      { key: '2026-W10', count: 0 },
      { key: '2026-W11', count: 0 },
    ]);
    expect(empty.timeToAnswer).toEqual({ answered: 0, medianHours: null });
    expect(empty.deadlines[0]!.share).toBeNull();
    expect(empty.satisfaction.averageRating).toBeNull();
  });

  it('tables as CSV rows, header first', () => {
    expect(reportTableRows(report, 'volume-by-week')).toEqual([
      ['iso_week', 'cases'],
      ['2026-W10', '2'],
      ['2026-W11', '4'],
    ]);
    expect(reportTableRows(report, 'time-to-answer')).toEqual([
      ['answered', 'median_hours'],
      ['4', '25'],
    ]);
    expect(reportTableRows(report, 'root-causes')![1]).toEqual(['billing_error', '2', '0.6667']);
    expect(reportTableRows(report, 'nope')).toBeNull();
  });
});
