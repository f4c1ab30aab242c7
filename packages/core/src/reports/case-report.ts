import { CHANNELS, OPEN_AGE_BUCKETS, type CaseReportView, type ReportBreachRow, type ReportDeadlineRow } from '@cg/contracts';
import { isoWeekInVietnam } from '../case-lifecycle/case-data';
import {
  addReportSums,
  emptyReportSums,
  foldReportRow,
  reportTime,
  type CaseReportRow,
  type ReportSums,
  type ReportTally,
} from './report-sums';

export type { CaseReportRow } from './report-sums';

/** The fields a report reads (the repository's projection). */
export const CASE_REPORT_ROW_FIELDS = [
  'channel',
  'department',
  'status',
  'receivedAt',
  'receivedWeek',
  'targetDueAt',
  'capDueAt',
  'firstAnsweredAt',
  'answeredWithinTarget',
  'answeredWithinCap',
  'rootCauseCategory',
  'surveyRatings',
  // Cases stored before the facts existed: their answer time, until `cli cases:reindex`.
  'answeredAt',
] as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Vietnam is UTC+7 all year (no daylight saving). */
const VN_OFFSET = 7 * HOUR;

/** A report's range: Vietnam days `from`..`to` (both included) as instants [start, end). */
export interface ReportRange {
  from: string;
  to: string;
  start: Date;
  end: Date;
  /** Every ISO week the range touches, oldest first: the equality keys the cases are read by. */
  weeks: string[];
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight in Vietnam of a `YYYY-MM-DD` day, or null when it is not a real calendar day. */
export function vietnamDayStart(day: string): Date | null {
  const m = DAY_PATTERN.exec(day);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== day) return null; // 2026-02-30
  return new Date(utc - VN_OFFSET);
}

/** The Vietnam calendar day (`YYYY-MM-DD`) of an instant. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET).toISOString().slice(0, 10);
}

/** The range of `from`..`to` (valid days, from ≤ to: the route validates). */
export function reportRange(from: string, to: string): ReportRange {
  const start = vietnamDayStart(from);
  const last = vietnamDayStart(to);
  if (!start || !last || last < start) throw new RangeError(`not a range of days: ${from}..${to}`);
  const end = new Date(last.getTime() + DAY);
  const weeks: string[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += DAY) {
    const week = isoWeekInVietnam(new Date(t));
    if (weeks[weeks.length - 1] !== week) weeks.push(week);
  }
  return { from, to, start, end, weeks };
}

/** The median of numbers (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort(); // numeric order without a comparator: a year's answers sort in milliseconds
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The report of the cases received in a range: their rows folded one by one (`add`, in one pass;
 * rows may stream in), or partial sums already folded (`addSums`: the daily totals of
 * report-days.ts), both through the one fold of report-sums.ts. What depends on "now" (open
 * cases by age, overdue) is classified in `build`. Pure: give it `now`.
 */
export class CaseReportBuilder {
  private readonly sums = emptyReportSums();

  constructor(
    private readonly range: ReportRange,
    private readonly now: Date,
  ) {}

  add(row: CaseReportRow): void {
    const received = reportTime(row.receivedAt);
    // Outside the range (the edge weeks are read whole).
    if (received === null || received < this.range.start.getTime() || received >= this.range.end.getTime()) return;
    foldReportRow(this.sums, row, 1);
  }

  /** Partial sums of cases received in the range (one day's totals). */
  addSums(part: ReportSums): void {
    addReportSums(this.sums, part);
  }

  build(): CaseReportView {
    const now = this.now.getTime();
    const s = this.sums;
    const deadlines = {
      target: { ...s.deadlines.target, openOverdue: 0, openNotDue: 0 },
      cap: { ...s.deadlines.cap, openOverdue: 0, openNotDue: 0 },
    };
    const ages = new Map<string, number>(OPEN_AGE_BUCKETS.map((b) => [b.key, 0]));
    for (const open of s.open) {
      for (const kind of ['target', 'cap'] as const) {
        const due = kind === 'target' ? open.targetDueAt : open.capDueAt;
        if (due === null) continue; // answered (decided), or no deadline
        if (now > due) deadlines[kind].openOverdue += open.count;
        else deadlines[kind].openNotDue += open.count;
      }
      const ageDays = (now - open.receivedAt) / DAY;
      const bucket = OPEN_AGE_BUCKETS.find((b) => ageDays >= b.fromDays && (b.toDays === null || ageDays < b.toDays));
      if (bucket) ages.set(bucket.key, ages.get(bucket.key)! + open.count);
    }
    const deadlineRow = (kind: 'target' | 'cap'): ReportDeadlineRow => {
      const t = deadlines[kind];
      const decided = t.answeredWithin + t.answeredLate + t.openOverdue;
      return { deadline: kind, ...t, decided, share: decided ? round(t.answeredWithin / decided, 4) : null };
    };
    const breachRow = (kind: 'target' | 'cap'): ReportBreachRow => {
      const t = deadlines[kind];
      return { deadline: kind, answeredLate: t.answeredLate, openOverdue: t.openOverdue, total: t.answeredLate + t.openOverdue };
    };
    const mid = median(s.answerMs.map((ms) => ms / HOUR));
    const channels = counts(CHANNELS, s.channels);
    const weeks = counts(this.range.weeks, s.weeks);
    const ratings = counts(['1', '2', '3', '4', '5'], s.ratings);
    const closedWithCause = s.rootCauses.reduce((sum, t) => sum + t.count, 0);
    const responses = [...ratings.values()].reduce((a, b) => a + b, 0);
    const ratingSum = [...ratings].reduce((sum, [rating, count]) => sum + Number(rating) * count, 0);
    return {
      range: { from: this.range.from, to: this.range.to, timeZone: 'Asia/Ho_Chi_Minh' },
      generatedAt: this.now.toISOString(),
      cases: s.cases,
      volume: {
        byChannel: [...channels].map(([key, count]) => ({ key, count })),
        byDepartment: byCountThenKey(s.departments),
        byWeek: [...weeks].map(([key, count]) => ({ key, count })).sort((a, b) => a.key.localeCompare(b.key)),
      },
      deadlines: [deadlineRow('target'), deadlineRow('cap')],
      breaches: [breachRow('target'), breachRow('cap')],
      timeToAnswer: { answered: s.answerMs.length, medianHours: mid === null ? null : round(mid, 2) },
      openByAge: OPEN_AGE_BUCKETS.map((b) => ({ bucket: b.key, label: b.label, count: ages.get(b.key) ?? 0 })),
      rootCauses: byCountThenKey(s.rootCauses).map(({ key, count }) => ({
        category: key,
        count,
        share: round(count / closedWithCause, 4),
      })),
      satisfaction: {
        responses,
        averageRating: responses ? round(ratingSum / responses, 2) : null,
        byRating: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: ratings.get(String(rating)) ?? 0 })),
      },
    };
  }
}

/** Counts by key: every one of `keys` (zero when absent), then the others tallied. */
function counts(keys: readonly string[], tallies: readonly ReportTally[]): Map<string, number> {
  const map = new Map<string, number>(keys.map((k) => [k, 0]));
  for (const t of tallies) map.set(t.key, (map.get(t.key) ?? 0) + t.count);
  return map;
}

function byCountThenKey(tallies: readonly ReportTally[]): Array<{ key: string; count: number }> {
  return tallies.map(({ key, count }) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The whole report of some rows (the builder in one call). */
export function buildCaseReport(rows: Iterable<CaseReportRow>, range: ReportRange, now: Date): CaseReportView {
  const builder = new CaseReportBuilder(range, now);
  for (const row of rows) builder.add(row);
  return builder.build();
}

/** One table of the report as rows of cells, header first: the CSV downloads. */
export function reportTableRows(report: CaseReportView, table: string): string[][] | null {
  const n = (v: number | null) => (v === null ? '' : String(v));
  switch (table) {
    case 'volume-by-channel':
      return [['channel', 'cases'], ...report.volume.byChannel.map((r) => [r.key, n(r.count)])];
    case 'volume-by-department':
      return [['department', 'cases'], ...report.volume.byDepartment.map((r) => [r.key, n(r.count)])];
    case 'volume-by-week':
      return [['iso_week', 'cases'], ...report.volume.byWeek.map((r) => [r.key, n(r.count)])];
    case 'deadlines':
      return [
        ['deadline', 'answered_within', 'answered_late', 'open_overdue', 'open_not_due', 'decided', 'share_within'],
        ...report.deadlines.map((r) => [
          r.deadline,
          n(r.answeredWithin),
          n(r.answeredLate),
          n(r.openOverdue),
          n(r.openNotDue),
          n(r.decided),
          n(r.share),
        ]),
      ];
    case 'breaches':
      return [
        ['deadline', 'answered_late', 'open_overdue', 'total'],
        ...report.breaches.map((r) => [r.deadline, n(r.answeredLate), n(r.openOverdue), n(r.total)]),
      ];
    case 'time-to-answer':
      return [
        ['answered', 'median_hours'],
        [n(report.timeToAnswer.answered), n(report.timeToAnswer.medianHours)],
      ];
    case 'open-by-age':
      return [['age', 'label', 'open_cases'], ...report.openByAge.map((r) => [r.bucket, r.label, n(r.count)])];
    case 'root-causes':
      return [['root_cause', 'closed_cases', 'share'], ...report.rootCauses.map((r) => [r.category, n(r.count), n(r.share)])];
    case 'satisfaction':
      return [
        ['rating', 'responses'],
        ...report.satisfaction.byRating.map((r) => [String(r.rating), n(r.count)]),
        ['all', n(report.satisfaction.responses)],
        ['average', n(report.satisfaction.averageRating)],
      ];
    default:
      return null;
  }
}
