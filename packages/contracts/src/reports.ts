/**
 * The reports (issue 9, "Reports"): GET /api/v1/reports?from=YYYY-MM-DD&to=YYYY-MM-DD answers a
 * `CaseReportView`; every table is also GET /api/v1/reports/<table>.csv with the same query.
 * Zod-free: the console bundles it. Days are Vietnam's (Asia/Ho_Chi_Minh, UTC+7 all year); `to`
 * is included. A report covers the cases received in the range (merged duplicates left out);
 * what depends on "now" (open cases' age, overdue) is as of `generatedAt`.
 */

export const REPORTS_API_PATH = '/api/v1/reports';

/** The longest range one report covers (a year and a day: a leap year's whole year). */
export const REPORT_MAX_DAYS = 366;

/** The default range when `from`/`to` are not given: the last 30 days, today included. */
export const REPORT_DEFAULT_DAYS = 30;

/** Each table of the report, by the name of its CSV download (`<name>.csv`). */
export const REPORT_TABLES = [
  'volume-by-channel',
  'volume-by-department',
  'volume-by-week',
  'deadlines',
  'breaches',
  'time-to-answer',
  'open-by-age',
  'root-causes',
  'satisfaction',
] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

/** Open cases by age (calendar days since receipt): [fromDays, toDays), the last one open-ended. */
export const OPEN_AGE_BUCKETS = [
  { key: '0-1d', fromDays: 0, toDays: 1, label: 'under 1 day' },
  { key: '1-3d', fromDays: 1, toDays: 3, label: '1–3 days' },
  { key: '3-7d', fromDays: 3, toDays: 7, label: '3–7 days' },
  { key: '7-14d', fromDays: 7, toDays: 14, label: '7–14 days' },
  { key: '14-30d', fromDays: 14, toDays: 30, label: '14–30 days' },
  { key: '30d+', fromDays: 30, toDays: null, label: '30 days or more' },
] as const;
export type OpenAgeBucket = (typeof OPEN_AGE_BUCKETS)[number]['key'];

export interface ReportCountRow {
  key: string;
  count: number;
}

/**
 * One deadline (the target, or the legal cap) against the cases of the range. "Decided" cases
 * are the ones whose outcome is known: answered (the first answer counts, reopened rounds not),
 * or still unanswered past the deadline. `share` = answeredWithin / decided (null when none).
 */
export interface ReportDeadlineRow {
  deadline: 'target' | 'cap';
  answeredWithin: number;
  answeredLate: number;
  /** Not answered, and the deadline has passed. */
  openOverdue: number;
  /** Not answered, the deadline still ahead (not counted in the share). */
  openNotDue: number;
  decided: number;
  share: number | null;
}

/** Breaches of one deadline: answered after it, or still unanswered past it. */
export interface ReportBreachRow {
  deadline: 'target' | 'cap';
  answeredLate: number;
  openOverdue: number;
  total: number;
}

export interface CaseReportView {
  range: { from: string; to: string; timeZone: 'Asia/Ho_Chi_Minh' };
  generatedAt: string;
  /** Cases received in the range (merged duplicates left out). */
  cases: number;
  volume: {
    /** Every channel, in the channels' order (zero included). */
    byChannel: ReportCountRow[];
    /** The departments (or `triage`) cases sit in now, most cases first. */
    byDepartment: ReportCountRow[];
    /** Every ISO week (`2026-W14`) the range touches, oldest first (zero included). */
    byWeek: ReportCountRow[];
  };
  deadlines: ReportDeadlineRow[];
  breaches: ReportBreachRow[];
  /** Receipt → first answer (delivered, or resolved during the contact), in hours. */
  timeToAnswer: { answered: number; medianHours: number | null };
  /** Cases of the range still open now, by age. */
  openByAge: Array<{ bucket: OpenAgeBucket; label: string; count: number }>;
  /** Closed cases' root-cause categories, most frequent first. */
  rootCauses: Array<{ category: string; count: number; share: number }>;
  /** Satisfaction surveys answered on the range's cases (every round's survey counts). */
  satisfaction: { responses: number; averageRating: number | null; byRating: Array<{ rating: number; count: number }> };
}
