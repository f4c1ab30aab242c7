import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerConfig } from '@cg/config';
import { every, pendingDeadlineCheck, type CalendarProvider, type Periodic } from '@cg/core';
import type { Database } from '@cg/db';
import type { DeadlineScheduler, RedisClient } from '@cg/queue';
import { sweepDeadLetters } from './dead-letters';
import { sweepOrphanUploads } from './orphan-uploads';

/**
 * Plans the deadline check every open case should have (`pendingDeadlineCheck`), page by page.
 * Job ids are case + kind + due date, so a check that is already planned (or ran) is not added
 * again: this only repairs a case whose scheduling failed after its write (an extension's
 * commit, an intake) or whose delayed job Redis lost. Returns how many cases were looked at.
 */
export async function reconcileDeadlineChecks(deps: {
  cases: Database['cases'];
  scheduler: Pick<DeadlineScheduler, 'schedule'>;
  calendar: CalendarProvider['current'];
  pageSize?: number;
}): Promise<number> {
  let after = '';
  let seen = 0;
  for (;;) {
    const page = await deps.cases.openCasesForDeadlines(after, deps.pageSize ?? 200);
    for (const c of page) {
      const { target, cap } = c.deadlines ?? {};
      if (!target || !cap) continue;
      const check = pendingDeadlineCheck(
        { target, cap },
        (c.escalations ?? []).map((e) => e.key),
        deps.calendar(),
      );
      if (check) await deps.scheduler.schedule(c.caseNumber, check);
    }
    seen += page.length;
    if (page.length < (deps.pageSize ?? 200)) return seen;
    after = page[page.length - 1]!.caseNumber;
  }
}

/** The worker's background repairs, each through every(): dead letters, deadline checks, orphan uploads. */
export function startWorkerSweeps(deps: {
  config: Pick<
    WorkerConfig,
    'DEAD_LETTER_SWEEP_MS' | 'DEADLINE_RECONCILE_MS' | 'ORPHAN_UPLOAD_HOURS' | 'ORPHAN_UPLOAD_SWEEP_MS' | 'QUEUE_PREFIX'
  >;
  connection: RedisClient;
  db: Database;
  queueNames: string[];
  scheduler: Pick<DeadlineScheduler, 'schedule'>;
  calendar: CalendarProvider['current'];
  logger: Logger;
}): { stop(): Promise<void> } {
  const failedSets = deps.queueNames.map((name) => new Queue(name, { connection: deps.connection, prefix: deps.config.QUEUE_PREFIX }));
  const sweeps: Periodic[] = [
    every(
      deps.config.DEAD_LETTER_SWEEP_MS,
      async () => {
        const added = await sweepDeadLetters(failedSets, deps.db.deadLetters);
        if (added) deps.logger.warn({ added }, 'dead letters recorded by the sweep (their first write was lost)');
      },
      (err) => deps.logger.warn({ err: err.message }, 'dead-letter sweep failed; next run retries'),
    ),
    every(
      deps.config.DEADLINE_RECONCILE_MS,
      () => reconcileDeadlineChecks({ cases: deps.db.cases, scheduler: deps.scheduler, calendar: deps.calendar }),
      (err) => deps.logger.warn({ err: err.message }, 'deadline reconcile failed; next run retries'),
    ),
    every(
      deps.config.ORPHAN_UPLOAD_SWEEP_MS,
      async () => {
        const before = new Date(Date.now() - deps.config.ORPHAN_UPLOAD_HOURS * 3_600_000);
        const removed = await sweepOrphanUploads({ db: deps.db, before });
        if (removed.chat || removed.notes) deps.logger.info(removed, 'orphan uploads deleted');
      },
      (err) => deps.logger.warn({ err: err.message }, 'orphan upload sweep failed; next run retries'),
    ),
  ];
  return {
    async stop() {
      await Promise.all(sweeps.map((s) => s.stop()));
      await Promise.all(failedSets.map((q) => q.close()));
    },
  };
}
