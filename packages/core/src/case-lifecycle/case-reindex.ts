import { caseReportFacts, sameReportFacts } from '../reports/report-facts';
import { ReportDayTotals } from '../reports/report-days';
import { caseListKeys, withCaseDefaults } from './case-data';
import { CaseConflict, CaseLockUnavailable, CaseNotFound } from './case-errors';
import type { CaseLock, CaseStore } from './case-lifecycle';

/**
 * Brings one case's derived list keys (`caseListKeys`) and report facts (`caseReportFacts`) up to date: the backfill of cases stored
 * before the keys existed (`npm run cli -- cases:reindex`). Every CaseLifecycle write keeps them
 * right afterwards. Same protocol as the lifecycle's writes — the case's lease, then a write
 * conditioned on its version — and no journal entry (nothing happened to the complaint).
 * Returns whether it wrote; a version that moved on means a lifecycle write set the keys already.
 * It also rewrites the case's row of the lists' index (toCaseIndexRow) from the case.
 */
export async function reindexCase(deps: { store: CaseStore; lock: CaseLock }, caseNumber: string): Promise<boolean> {
  let lease;
  try {
    lease = await deps.lock.acquire(caseNumber);
  } catch (err) {
    throw new CaseLockUnavailable(caseNumber, err);
  }
  if (!lease) throw new CaseConflict(caseNumber, `case ${caseNumber} is busy (someone else is changing it); try again`);
  try {
    const stored = await deps.store.findByCaseNumber(caseNumber);
    if (!stored) throw new CaseNotFound(caseNumber);
    const current = withCaseDefaults(stored);
    const keys = caseListKeys(current);
    const facts = caseReportFacts(current);
    const unchanged =
      sameReportFacts(current, facts) &&
      current.openOwnerKey === keys.openOwnerKey &&
      current.receivedWeek === keys.receivedWeek &&
      (current.searchTerms ?? []).join(' ') === keys.searchTerms.join(' ');
    if (!lease.isHeld()) return false;
    const updated = unchanged
      ? stored
      : await deps.store.updateIfVersion(caseNumber, current.version, {
          set: { ...keys, ...facts, version: current.version + 1 },
          unset: [],
          pushJournal: [],
          pushAttachments: [],
        });
    if (!updated) return false;
    // The reports' daily totals follow the facts, as after a lifecycle write (report-days.ts).
    if (!unchanged && deps.store.reportDays) await new ReportDayTotals(deps.store.reportDays, deps.lock).record(stored, updated);
    // The case's row of the lists' index (case-index.ts), rewritten from the case: repairs a missing or stale row.
    if (deps.store.writeIndexRow) await deps.store.writeIndexRow(updated);
    return !unchanged || deps.store.writeIndexRow !== undefined;
  } finally {
    await lease.release().catch(() => undefined);
  }
}
