import { reindexCase } from '@cg/core';
import type { Database } from '@cg/db';
import { RedisCaseLock } from '@cg/queue';
import type { Redis } from 'ioredis';

/**
 * `cases:reindex`: gives cases stored before the derived list keys existed (openOwnerKey,
 * searchTerms, receivedWeek) their keys, through the same lease and version check as the
 * CaseLifecycle, so it is safe while the system runs. Until then those cases are missing from
 * the owner lists, search and weekly report. Idempotent: run it again and it finds none.
 */
export async function reindexCases(
  db: Database,
  redis: Redis,
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
  return { written, skipped };
}
