import { OPEN_STATUSES } from '@cg/contracts';
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

/** One counter of a table (stored as a list: department or root-cause names are never object keys). */
export interface ReportTally {
  key: string;
  count: number;
}

/**
 * Open cases as far as "now" matters to them: their receipt (age), and the deadlines they may be
 * past if unanswered; `count` cases share these instants. The receipt is kept to the minute, so a
 * day holds at most one entry per minute and deadline pair however many cases it received (a
 * list of one entry per case made each intake write of a busy day read and write it whole: issue
 * 12); an age bucket is reached up to a minute early.
 */
export interface OpenCaseFact {
  /** Epoch milliseconds, to the minute. */
  receivedAt: number;
  /** The deadline in force, epoch ms; null when the case has none or was answered (then it is decided). */
  targetDueAt: number | null;
  capDueAt: number | null;
  count: number;
}

const MINUTE = 60_000;

/**
 * Partial sums of some cases' report facts — one Vietnam day's (the daily totals,
 * report-days.ts) or a whole range's (CaseReportBuilder). Everything that does not change with
 * "now" is summed; what does (open cases by age, overdue) is kept as the open cases' few
 * instants, classified when a report is built. Plain JSON: stored as it is.
 */
export interface ReportSums {
  cases: number;
  channels: ReportTally[];
  departments: ReportTally[];
  weeks: ReportTally[];
  deadlines: Record<'target' | 'cap', { answeredWithin: number; answeredLate: number }>;
  /** Receipt → first answer, ms, one per answered case (the median needs them all). */
  answerMs: number[];
  open: OpenCaseFact[];
  rootCauses: ReportTally[];
  /** Survey ratings '1'..'5'. */
  ratings: ReportTally[];
  /**
   * List values taken away before they were added (a change of a case reached its day before the
   * insert's): the add cancels them. So the sums do not depend on the order changes land in; empty
   * once every change has.
   */
  early: { answerMs: number[]; open: OpenCaseFact[] };
}

export function emptyReportSums(): ReportSums {
  return {
    cases: 0,
    channels: [],
    departments: [],
    weeks: [],
    deadlines: { target: { answeredWithin: 0, answeredLate: 0 }, cap: { answeredWithin: 0, answeredLate: 0 } },
    answerMs: [],
    open: [],
    rootCauses: [],
    ratings: [],
    early: { answerMs: [], open: [] },
  };
}

const OPEN = new Set<string>(OPEN_STATUSES);

export function reportTime(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime(); // what the driver returns: no copy per row
  const t = new Date(value as string).getTime();
  return Number.isNaN(t) ? null : t;
}

/**
 * Adds (`sign` 1) or takes away (`sign` -1) one case's contribution to the sums: the one fold of
 * the reports, used by the report builder, the lifecycle's daily totals and their rebuild. A
 * merged duplicate contributes nothing (its complaint is the survivor's).
 */
export function foldReportRow(sums: ReportSums, row: CaseReportRow, sign: 1 | -1): void {
  const received = reportTime(row.receivedAt);
  if (received === null || row.status === 'merged') return;
  sums.cases += sign;
  tally(sums.channels, row.channel, sign);
  tally(sums.departments, row.department, sign);
  tally(sums.weeks, row.receivedWeek ?? isoWeekInVietnam(new Date(received)), sign);

  // Cases stored before the facts: a closed or answered case still has its answeredAt.
  const answered = reportTime(row.firstAnsweredAt) ?? reportTime(row.answeredAt);
  if (answered !== null) list(sums.answerMs, sums.early.answerMs, answered - received, sign, sameNumber);
  for (const kind of ['target', 'cap'] as const) {
    const due = reportTime(kind === 'target' ? row.targetDueAt : row.capDueAt);
    const kept = kind === 'target' ? row.answeredWithinTarget : row.answeredWithinCap;
    const within = answered === null ? null : typeof kept === 'boolean' ? kept : due !== null ? answered <= due : null;
    if (within === true) sums.deadlines[kind].answeredWithin += sign;
    else if (within === false) sums.deadlines[kind].answeredLate += sign;
  }
  if (OPEN.has(row.status)) {
    const due = (value: unknown) => (answered === null ? reportTime(value) : null);
    const receivedAt = Math.floor(received / MINUTE) * MINUTE;
    countOpen(sums, { receivedAt, targetDueAt: due(row.targetDueAt), capDueAt: due(row.capDueAt), count: 1 }, sign);
  }
  if (row.status === 'closed' && row.rootCauseCategory) tally(sums.rootCauses, row.rootCauseCategory, sign);
  for (const r of row.surveyRatings ?? []) if (Number.isInteger(r) && r >= 1 && r <= 5) tally(sums.ratings, String(r), sign);
}

/** Adds `part` into `sums` (a range's days into the range). */
export function addReportSums(sums: ReportSums, part: ReportSums): void {
  sums.cases += part.cases;
  for (const field of ['channels', 'departments', 'weeks', 'rootCauses', 'ratings'] as const)
    for (const t of part[field]) tally(sums[field], t.key, t.count);
  for (const kind of ['target', 'cap'] as const) {
    sums.deadlines[kind].answeredWithin += part.deadlines[kind].answeredWithin;
    sums.deadlines[kind].answeredLate += part.deadlines[kind].answeredLate;
  }
  for (const [values, sign] of [
    [part.answerMs, 1],
    [part.early.answerMs, -1],
  ] as const)
    for (const ms of values) list(sums.answerMs, sums.early.answerMs, ms, sign, sameNumber);
  for (const [values, sign] of [
    [part.open, 1],
    [part.early.open, -1],
  ] as const)
    for (const o of values) countOpen(sums, o, sign);
}

/** Whether two rows contribute the same to the sums (a write that changes no report fact changes no total). */
export function sameReportContribution(a: CaseReportRow | null, b: CaseReportRow | null): boolean {
  const of = (row: CaseReportRow | null) => {
    const s = emptyReportSums();
    if (row) foldReportRow(s, row, 1);
    return JSON.stringify(s);
  };
  return of(a) === of(b);
}

function tally(tallies: ReportTally[], key: string, by: number): void {
  const i = tallies.findIndex((t) => t.key === key);
  if (i < 0) {
    if (by !== 0) tallies.push({ key, count: by });
    return;
  }
  tallies[i]!.count += by;
  if (tallies[i]!.count === 0) tallies.splice(i, 1); // a table lists no zero rows
}

/**
 * Adds a value (cancelling an equal one taken away early, if any), or takes one equal value away
 * (any one: equal values are interchangeable; none there yet: noted as taken early).
 */
function list<T>(values: T[], early: T[], value: T, sign: 1 | -1, same: (a: T, b: T) => boolean): void {
  const [from, to] = sign === 1 ? [early, values] : [values, early];
  const i = from.findIndex((v) => same(v, value));
  if (i >= 0) from.splice(i, 1);
  else to.push(value);
}

const sameNumber = (a: number, b: number) => a === b;

/**
 * `list` for counted open facts: adds `fact.count` cases (`sign` 1; cancelling ones taken away
 * early first) or takes them away (`sign` -1; those not there yet are noted as taken early).
 */
function countOpen(sums: ReportSums, fact: OpenCaseFact, sign: 1 | -1): void {
  const [from, to] = sign === 1 ? [sums.early.open, sums.open] : [sums.open, sums.early.open];
  const same = (o: OpenCaseFact) => o.receivedAt === fact.receivedAt && o.targetDueAt === fact.targetDueAt && o.capDueAt === fact.capDueAt;
  let left = fact.count;
  const i = from.findIndex(same);
  if (i >= 0) {
    const cancelled = Math.min(left, from[i]!.count);
    from[i]!.count -= cancelled;
    left -= cancelled;
    if (from[i]!.count === 0) from.splice(i, 1);
  }
  if (left === 0) return;
  const j = to.findIndex(same);
  if (j >= 0) to[j]!.count += left;
  else to.push({ ...fact, count: left });
}
