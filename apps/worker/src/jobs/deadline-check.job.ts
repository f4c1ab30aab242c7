import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { deadlineCheckJobSchema, JOB_NAMES, OPEN_STATUSES } from '@cg/contracts';
import { CaseNotFound, TransitionRefused, nextDeadlineCheck, type CaseLifecycle } from '@cg/core';
import type { CaseRepository } from '@cg/db';
import type { DeadlineScheduler } from '@cg/queue';

export const DEADLINE_CHECK_JOB = JOB_NAMES.deadlineCheck;

/**
 * Fires at a planned deadline moment and plans the next check of the chain. Does nothing (and
 * ends the chain) for a closed or answered case, or for a check planned for a due date that an
 * extension (or a reopening) has since replaced (that started a chain of its own). What a check
 * writes — reminder, escalation to supervisors, priority — is the state machine's `deadline_check`.
 */
export function deadlineCheckHandler(deps: {
  cases: Pick<CaseRepository, 'findByCaseNumber'>;
  lifecycle: Pick<CaseLifecycle, 'deadlineCheck'>;
  scheduler: Pick<DeadlineScheduler, 'schedule'>;
  logger: Logger;
  now?: () => Date;
}) {
  return async (job: Job<unknown>): Promise<{ outcome: 'escalated' | 'already_recorded' | 'case_closed' | 'stale' }> => {
    const parsed = deadlineCheckJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid deadline check: ${parsed.error.message}`);
    const { caseNumber, kind, dueDate } = parsed.data;
    const record = await deps.cases.findByCaseNumber(caseNumber);
    if (!record) throw new Error(`case ${caseNumber} not found`); // retried: the intake may lag
    if (!OPEN_STATUSES.includes(record.status)) return { outcome: 'case_closed' };
    const inForce = kind === 'cap_breached' ? record.deadlines?.cap?.dueDate : record.deadlines?.target?.dueDate;
    if (inForce !== dueDate) return { outcome: 'stale' };

    const at = (deps.now ?? (() => new Date()))();
    const { target, cap } = record.deadlines;
    const next = target && cap ? nextDeadlineCheck(kind, { target, cap }) : undefined;
    // A reminder for a target that already passed (an extension made after it) says nothing new.
    if (kind === 'target_due_soon' && target && at >= new Date(target.dueAt)) {
      if (next) await deps.scheduler.schedule(caseNumber, next);
      return { outcome: 'stale' };
    }
    let written: boolean;
    try {
      written = (await deps.lifecycle.deadlineCheck(caseNumber, { kind: 'system' }, { kind, dueDate })).changed;
    } catch (err) {
      // Answered or closed meanwhile: the chain ends here.
      if (err instanceof TransitionRefused || err instanceof CaseNotFound) return { outcome: 'case_closed' };
      throw err;
    }
    if (written) deps.logger.info({ caseNumber, kind, dueDate }, 'deadline check recorded');
    // Planned after the write: a retry of this job re-plans the same job id, a no-op.
    if (next) await deps.scheduler.schedule(caseNumber, next);
    return { outcome: written ? 'escalated' : 'already_recorded' };
  };
}
