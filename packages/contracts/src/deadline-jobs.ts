import { z } from 'zod';
import { CASE_NUMBER_PATTERN } from './case-number';

/**
 * The moments a case's deadlines are checked:
 * - target_due_soon: start of the last working day before the target (remind the department);
 * - target_breached: the target passed unanswered (escalate to supervisors);
 * - cap_breached: the legal limit passed (escalate again, urgent).
 */
export const DEADLINE_CHECK_KINDS = ['target_due_soon', 'target_breached', 'cap_breached'] as const;
export type DeadlineCheckKind = (typeof DEADLINE_CHECK_KINDS)[number];

/** Thin payload: the case is read from MongoDB when the check fires. */
export const deadlineCheckJobSchema = z
  .object({
    caseNumber: z.string().regex(CASE_NUMBER_PATTERN),
    kind: z.enum(DEADLINE_CHECK_KINDS),
    /** The due date this check was planned for; a check for a date no longer in force is stale. */
    dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })
  .strict();
export type DeadlineCheckJob = z.infer<typeof deadlineCheckJobSchema>;
