import { CaseNotFound, reindexCase } from '@cg/core';
import type { Database } from '@cg/db';
import { RedisCaseLock, type RedisClient } from '@cg/queue';

/**
 * `cases:reindex`, safe while the system runs (the same lease and version check as the
 * CaseLifecycle); idempotent: run it again and it finds nothing to do.
 * 1. Gives cases stored before the derived list keys existed (openOwnerKey, searchTerms,
 *    receivedWeek) their keys; until then they are missing from the weekly report.
 * 2. Rebuilds the lists' index (`case_list` and `case_index`, one row per case in each, which
 *    the lists and the search read): writes the rows of each case whose rows are missing, of
 *    another version or of an older shape, from the case, and removes rows whose case is gone.
 */
export async function reindexCases(
  db: Database,
  redis: RedisClient,
  prefix: string,
  log: (line: string) => void,
): Promise<{ written: number; skipped: number }> {
  const deps = { store: db.cases, lock: new RedisCaseLock(redis, { prefix }) };
  let written = 0;
  let skipped = 0;
  const tried = new Set<string>();
  for (;;) {
    const batch = (await db.cases.caseNumbersWithoutListKeys(500)).filter((n) => !tried.has(n));
    if (batch.length === 0) break;
    for (const caseNumber of batch) {
      tried.add(caseNumber);
      if (await reindexCase(deps, caseNumber)) written++;
      else skipped++;
    }
    log(`reindexed ${written} cases so far`);
  }
  const drift = await db.cases.indexDrift();
  log(`lists' index: ${drift.stale.length} rows missing or stale, ${drift.orphans.length} without a case`);
  for (const caseNumber of drift.stale) {
    if (tried.has(caseNumber)) continue; // rewritten above
    try {
      if (await reindexCase(deps, caseNumber)) written++;
      else skipped++;
    } catch (err) {
      if (!(err instanceof CaseNotFound)) throw err;
      skipped++; // deleted meanwhile (its row is an orphan now, removed below or on the next run)
    }
  }
  // A row whose case is gone (deleted between the index write and now): checked again before removal.
  for (const caseNumber of drift.orphans) if (!(await db.cases.findByCaseNumber(caseNumber))) await db.cases.index.remove(caseNumber);
  return { written, skipped };
}
