import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { deadlineCheckJobSchema, JOB_NAMES, type DeadlineCheckKind } from '@cg/contracts';
import { nextDeadlineCheck } from '@cg/core';
import { OPEN_STATUSES, type CaseRepository } from '@cg/db';
import type { DeadlineScheduler } from '@cg/queue';

export const DEADLINE_CHECK_JOB = JOB_NAMES.deadlineCheck;

const RULES: Record<
  DeadlineCheckKind,
  { level: 'department' | 'supervisor'; priority?: 'high' | 'urgent'; message: (d: string) => string }
> = {
  target_due_soon: { level: 'department', message: (d) => `Reminder: the answer is due by the end of ${d} (last working day).` },
  target_breached: {
    level: 'supervisor',
    priority: 'high',
    message: (d) => `Target deadline ${d} passed without an answer: escalated to supervisors.`,
  },
  cap_breached: {
    level: 'supervisor',
    priority: 'urgent',
    message: (d) => `Legal limit ${d} passed without an answer: escalated to supervisors, urgent.`,
  },
};

const PRIORITY_RANK = { normal: 0, high: 1, urgent: 2 } as const;

/**
 * Fires at a planned deadline moment and plans the next check of the chain. Does nothing (and
 * ends the chain) for a closed or answered case, or for a check planned for a due date that an
 * extension has since replaced (the extension started a chain of its own).
 */
export function deadlineCheckHandler(deps: {
  cases: CaseRepository;
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

    const rule = RULES[kind];
    const at = (deps.now ?? (() => new Date()))();
    const { target, cap } = record.deadlines!;
    const next = target && cap ? nextDeadlineCheck(kind, { target, cap }) : undefined;
    // A reminder for a target that already passed (an extension made after it) says nothing new.
    if (kind === 'target_due_soon' && target && at >= new Date(target.dueAt)) {
      if (next) await deps.scheduler.schedule(caseNumber, next);
      return { outcome: 'stale' };
    }
    const raise = rule.priority && PRIORITY_RANK[rule.priority] > PRIORITY_RANK[record.priority] ? rule.priority : undefined;
    const written = await deps.cases.recordEscalation(caseNumber, {
      kind,
      dueDate,
      level: rule.level,
      at,
      ...(raise ? { priority: raise } : {}),
      journal: {
        at,
        type: kind === 'target_due_soon' ? 'deadline_reminder' : 'escalated',
        actor: { kind: 'system' },
        message: rule.message(dueDate),
        data: { kind, dueDate, level: rule.level },
      },
    });
    if (written) deps.logger.info({ caseNumber, kind, dueDate }, 'deadline check recorded');
    // Planned after the write: a retry of this job re-plans the same job id, a no-op.
    if (next) await deps.scheduler.schedule(caseNumber, next);
    return { outcome: written ? 'escalated' : 'already_recorded' };
  };
}
