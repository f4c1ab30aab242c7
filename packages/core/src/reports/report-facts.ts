import type { CaseData } from '../case-lifecycle/case-data';

/**
 * The reports' facts: a handful of small top-level fields derived from the case and stored on it
 * by every CaseLifecycle write (beside `caseListKeys`), the insert and the reindex. The reports
 * read only these (a projection), never the ~12 KB case with its journal, and never nested paths:
 * FerretDB v1 has no date operators in `$group`, and a top-level field is what a slim copy of the
 * case (or a MongoDB covering index) can carry.
 *
 * Values are `null` rather than absent so that a `$set` of the facts also clears a fact that no
 * longer holds (a reopened case loses its root cause until it is closed again).
 */
export interface CaseReportFacts {
  /** The target deadline in force now (after extensions; a reopening plans a new one). */
  targetDueAt: Date | null;
  /** The legal cap in force now. */
  capDueAt: Date | null;
  /**
   * The first answer (delivered, or resolved during the contact). Kept once set: a reopening
   * clears `answeredAt`, but the first answer is what the deadlines promised.
   */
  firstAnsweredAt: Date | null;
  /** Whether the first answer came by the target in force then (kept once decided, like firstAnsweredAt). */
  answeredWithinTarget: boolean | null;
  answeredWithinCap: boolean | null;
  /** The root-cause category the case was closed with (null while open, and after a reopening). */
  rootCauseCategory: string | null;
  /** Every satisfaction survey's rating, one per closing answered (rounds after reopenings included). */
  surveyRatings: number[];
}

export const CASE_REPORT_FACT_FIELDS = [
  'targetDueAt',
  'capDueAt',
  'firstAnsweredAt',
  'answeredWithinTarget',
  'answeredWithinCap',
  'rootCauseCategory',
  'surveyRatings',
] as const satisfies ReadonlyArray<keyof CaseReportFacts>;

type FactSource = Partial<Pick<CaseData, 'deadlines' | 'answeredAt' | 'rootCause' | 'surveys'>> & Partial<CaseReportFacts>;

function dateOrNull(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The facts of a case, from the fields they depend on and the facts it already holds (so the
 * first answer's verdicts survive a reopening). Pure; the same in every caller.
 */
export function caseReportFacts(c: FactSource): CaseReportFacts {
  const targetDueAt = dateOrNull(c.deadlines?.target?.dueAt);
  const capDueAt = dateOrNull(c.deadlines?.cap?.dueAt);
  const firstAnsweredAt = dateOrNull(c.firstAnsweredAt) ?? dateOrNull(c.answeredAt);
  const verdict = (kept: boolean | null | undefined, due: Date | null): boolean | null =>
    kept ?? (firstAnsweredAt && due ? firstAnsweredAt.getTime() <= due.getTime() : null);
  return {
    targetDueAt,
    capDueAt,
    firstAnsweredAt,
    answeredWithinTarget: verdict(c.answeredWithinTarget, targetDueAt),
    answeredWithinCap: verdict(c.answeredWithinCap, capDueAt),
    rootCauseCategory: c.rootCause?.category ?? null,
    surveyRatings: (c.surveys ?? []).map((s) => s.rating).filter((r) => Number.isFinite(r)),
  };
}

/** Whether the stored facts already equal the derived ones (the reindex writes only when they differ). */
export function sameReportFacts(stored: Partial<CaseReportFacts>, derived: CaseReportFacts): boolean {
  const time = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).getTime());
  return (
    time(stored.targetDueAt) === time(derived.targetDueAt) &&
    time(stored.capDueAt) === time(derived.capDueAt) &&
    time(stored.firstAnsweredAt) === time(derived.firstAnsweredAt) &&
    (stored.answeredWithinTarget ?? null) === derived.answeredWithinTarget &&
    (stored.answeredWithinCap ?? null) === derived.answeredWithinCap &&
    (stored.rootCauseCategory ?? null) === derived.rootCauseCategory &&
    (stored.surveyRatings ?? []).join(',') === derived.surveyRatings.join(',') &&
    Array.isArray(stored.surveyRatings)
  );
}
