import { rebuildReportDays } from '@cg/core';
import type { Database } from '@cg/db';
import { RedisCaseLock } from '@cg/queue';

/**
 * `reports:rebuild`: the reports' daily totals (`report_days`) recomputed from every case's report
 * facts, each day written under its lease. Repairs totals a failed write left off (the gateway and
 * workers log "report totals not written") and fills them the first time. A case written while it
 * runs can be counted twice or missed on its day: run it when cases are not being written, or
 * again. Idempotent.
 */
export async function rebuildReports(
  db: Database,
  redis: ConstructorParameters<typeof RedisCaseLock>[0],
  prefix: string,
): Promise<{ cases: number; days: number }> {
  return rebuildReportDays(db.cases.allReportRows(), { store: db.cases.reportDays, lock: new RedisCaseLock(redis, { prefix }) });
}
