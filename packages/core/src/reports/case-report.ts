import {
  CHANNELS,
  OPEN_AGE_BUCKETS,
  OPEN_STATUSES,
  type CaseReportView,
  type ReportBreachRow,
  type ReportDeadlineRow,
} from '@cg/contracts';
import { isoWeekInVietnam } from '../case-lifecycle/case-data';
import type { CaseReportFacts } from './report-facts';

/** What the reports read of one case: top-level fields only (see report-facts.ts). */
export type CaseReportRow = {
  /** A Channel (a string: rows come from the database as stored). */
  channel: string;
  department: string;
  /** A CaseStatus. */
  status: string;
  receivedAt: Date | string;
  receivedWeek?: string | null;
  /** Read for cases stored before the facts existed (until `cli cases:reindex`). */
  answeredAt?: Date | string | null;
} & Partial<CaseReportFacts>;

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

const OPEN = new Set<string>(OPEN_STATUSES);
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
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function time(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime(); // what the driver returns: no copy per row
  const t = new Date(value as string).getTime();
  return Number.isNaN(t) ? null : t;
}

interface DeadlineTally {
  answeredWithin: number;
  answeredLate: number;
  openOverdue: number;
  openNotDue: number;
}

/**
 * The report, built in one pass over the cases of the range (rows may stream in: `add` keeps
 * counters and one number per answered case for the median). Pure: give it `now`.
 */
export class CaseReportBuilder {
  private cases = 0;
  private readonly channels = new Map<string, number>();
  private readonly departments = new Map<string, number>();
  private readonly weeks = new Map<string, number>();
  private readonly deadlines: Record<'target' | 'cap', DeadlineTally> = {
    target: { answeredWithin: 0, answeredLate: 0, openOverdue: 0, openNotDue: 0 },
    cap: { answeredWithin: 0, answeredLate: 0, openOverdue: 0, openNotDue: 0 },
  };
  private readonly answerHours: number[] = [];
  private readonly ages = new Map<string, number>();
  private readonly rootCauses = new Map<string, number>();
  private readonly ratings = new Map<number, number>();

  constructor(
    private readonly range: ReportRange,
    private readonly now: Date,
  ) {
    for (const c of CHANNELS) this.channels.set(c, 0);
    for (const w of range.weeks) this.weeks.set(w, 0);
    for (const b of OPEN_AGE_BUCKETS) this.ages.set(b.key, 0);
  }

  add(row: CaseReportRow): void {
    const received = time(row.receivedAt);
    // Outside the range (the edge weeks are read whole), or a merged duplicate (its complaint is the survivor's).
    if (received === null || received < this.range.start.getTime() || received >= this.range.end.getTime()) return;
    if (row.status === 'merged') return;
    this.cases += 1;
    bump(this.channels, row.channel);
    bump(this.departments, row.department);
    bump(this.weeks, row.receivedWeek ?? isoWeekInVietnam(new Date(received)));

    const now = this.now.getTime();
    const open = OPEN.has(row.status);
    // Cases stored before the facts: a closed or answered case still has its answeredAt.
    const answered = time(row.firstAnsweredAt) ?? time(row.answeredAt);
    if (answered !== null) this.answerHours.push((answered - received) / HOUR);
    for (const kind of ['target', 'cap'] as const) {
      const due = time(kind === 'target' ? row.targetDueAt : row.capDueAt);
      const kept = kind === 'target' ? row.answeredWithinTarget : row.answeredWithinCap;
      const tally = this.deadlines[kind];
      if (answered !== null) {
        const within = typeof kept === 'boolean' ? kept : due !== null ? answered <= due : null;
        if (within === true) tally.answeredWithin += 1;
        else if (within === false) tally.answeredLate += 1;
      } else if (open && due !== null) {
        if (now > due) tally.openOverdue += 1;
        else tally.openNotDue += 1;
      }
    }

    if (open) {
      const ageDays = (now - received) / DAY;
      const bucket = OPEN_AGE_BUCKETS.find((b) => ageDays >= b.fromDays && (b.toDays === null || ageDays < b.toDays));
      if (bucket) bump(this.ages, bucket.key);
    }
    if (row.status === 'closed' && row.rootCauseCategory) bump(this.rootCauses, row.rootCauseCategory);
    for (const r of row.surveyRatings ?? []) if (Number.isInteger(r) && r >= 1 && r <= 5) bump(this.ratings, r);
  }

  build(): CaseReportView {
    const deadlineRow = (kind: 'target' | 'cap'): ReportDeadlineRow => {
      const t = this.deadlines[kind];
      const decided = t.answeredWithin + t.answeredLate + t.openOverdue;
      return { deadline: kind, ...t, decided, share: decided ? round(t.answeredWithin / decided, 4) : null };
    };
    const breachRow = (kind: 'target' | 'cap'): ReportBreachRow => {
      const t = this.deadlines[kind];
      return { deadline: kind, answeredLate: t.answeredLate, openOverdue: t.openOverdue, total: t.answeredLate + t.openOverdue };
    };
    const mid = median(this.answerHours);
    const closedWithCause = [...this.rootCauses.values()].reduce((a, b) => a + b, 0);
    const responses = [...this.ratings.values()].reduce((a, b) => a + b, 0);
    const ratingSum = [...this.ratings].reduce((sum, [rating, count]) => sum + rating * count, 0);
    return {
      range: { from: this.range.from, to: this.range.to, timeZone: 'Asia/Ho_Chi_Minh' },
      generatedAt: this.now.toISOString(),
      cases: this.cases,
      volume: {
        byChannel: [...this.channels].map(([key, count]) => ({ key, count })),
        byDepartment: byCountThenKey(this.departments),
        byWeek: [...this.weeks].map(([key, count]) => ({ key, count })).sort((a, b) => a.key.localeCompare(b.key)),
      },
      deadlines: [deadlineRow('target'), deadlineRow('cap')],
      breaches: [breachRow('target'), breachRow('cap')],
      timeToAnswer: { answered: this.answerHours.length, medianHours: mid === null ? null : round(mid, 2) },
      openByAge: OPEN_AGE_BUCKETS.map((b) => ({ bucket: b.key, label: b.label, count: this.ages.get(b.key) ?? 0 })),
      rootCauses: byCountThenKey(this.rootCauses).map(({ key, count }) => ({
        category: key,
        count,
        share: round(count / closedWithCause, 4),
      })),
      satisfaction: {
        responses,
        averageRating: responses ? round(ratingSum / responses, 2) : null,
        byRating: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: this.ratings.get(rating) ?? 0 })),
      },
    };
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function byCountThenKey(map: Map<string, number>): Array<{ key: string; count: number }> {
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
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
