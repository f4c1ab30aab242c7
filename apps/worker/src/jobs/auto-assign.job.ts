import { UnrecoverableError, type Job } from 'bullmq';
import type { RedisClient } from '@cg/queue';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, JOB_NAMES } from '@cg/contracts';
import { CaseNotFound, TransitionRefused, pickAssignee, type AssignmentCandidate, type CaseLifecycle, type CaseLock } from '@cg/core';
import type { Database } from '@cg/db';

export const AUTO_ASSIGN_JOB = JOB_NAMES.autoAssign;

/** Queued by AutoAssignQueue (packages/queue) when a case enters a department queue; jobId per case and version. */
export const autoAssignJobSchema = z
  .object({
    caseNumber: z.string().regex(CASE_NUMBER_PATTERN),
    version: z.number().int().nonnegative(),
  })
  .strict();

export interface AutoAssignDeps {
  db: Pick<Database, 'cases' | 'departmentSettings' | 'staffAvailability' | 'staffUsers'>;
  lifecycle: Pick<CaseLifecycle, 'assign'>;
  /**
   * Per-department leases (a RedisCaseLock; keys `assign-<department>`): one job at a time counts
   * and assigns in a department, so two cases routed at once cannot both go to someone at cap − 1.
   */
  departmentLock: CaseLock;
  /** When each person was last given a case automatically (the tie-break), a Redis hash per department. */
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  now?: () => Date;
}

export type AutoAssignOutcome = 'assigned' | 'not_waiting' | 'off' | 'nobody_available';

/**
 * Automatic fair assignment (issue 9, step 3). For a case still waiting (routed, nobody owns it)
 * in a department with `autoAssign` on: under the department's lease, count the open cases of
 * each available member of the department (their own switch, `staff_availability`, on an active
 * department_staff account of that department), pick the fewest below `assignCap` (ties: the one
 * assigned automatically longest ago), and assign through the CaseLifecycle as the system (which
 * refuses if the case was claimed meanwhile). Nobody below the cap: the case stays in the queue.
 */
export function autoAssignHandler(deps: AutoAssignDeps) {
  const lastKey = (department: string) => `${deps.prefix}:auto-assign:last:${department}`;
  return async (job: Job<unknown>): Promise<{ outcome: AutoAssignOutcome; caseNumber: string; assignee?: string }> => {
    const parsed = autoAssignJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid auto-assign job: ${parsed.error.message}`);
    const { caseNumber } = parsed.data;
    const c = await deps.db.cases.findByCaseNumber(caseNumber);
    if (!c) throw new UnrecoverableError(`case ${caseNumber} not found`);
    if (c.status !== 'routed' || c.owner) return { outcome: 'not_waiting', caseNumber };
    const department = c.department;
    const settings = await deps.db.departmentSettings.settingsOf(department);
    if (!settings.autoAssign) return { outcome: 'off', caseNumber };

    const lease = await deps.departmentLock.acquire(`assign-${department}`);
    if (!lease) throw new Error(`department ${department} stayed busy; retried`);
    try {
      const available = await deps.db.staffAvailability.availableIn(department);
      const last = await deps.redis.hgetall(lastKey(department));
      const candidates: AssignmentCandidate[] = [];
      for (const a of available) {
        const user = await deps.db.staffUsers.findByEmail(a.email);
        // The switch counts only for an active department_staff account still in this department.
        if (!user || String(user._id) !== a.staffId || user.active === false) continue;
        if (user.role !== 'department_staff' || user.department !== department) continue;
        candidates.push({
          staffId: a.staffId,
          name: user.displayName,
          openCases: await deps.db.cases.count({ ownerId: a.staffId }),
          lastAssignedAt: Number(last[a.staffId] ?? 0),
        });
      }
      // Whoever just gave the case back (a release) is not handed it again.
      const lastEntry = c.journal?.at(-1);
      const releasedBy =
        lastEntry?.type === 'released' ? (lastEntry.data as { previousOwner?: { id?: string } } | undefined)?.previousOwner?.id : undefined;
      const pick = pickAssignee(candidates, settings.assignCap, releasedBy ? [releasedBy] : []);
      if (!pick) {
        deps.logger.info(
          { caseNumber, department, candidates: candidates.length, cap: settings.assignCap },
          'auto-assign: nobody below the cap',
        );
        return { outcome: 'nobody_available', caseNumber };
      }
      // Counted under the lease: assign only while it still holds, or the count may be stale.
      if (!lease.isHeld()) throw new Error(`department ${department}: lease ran out before assigning; retried`);
      try {
        await deps.lifecycle.assign(
          caseNumber,
          { kind: 'system' },
          {
            assignee: { id: pick.staffId, name: pick.name, role: 'department_staff', department },
            note: `automatic fair assignment (${pick.openCases} open case${pick.openCases === 1 ? '' : 's'} before this one, cap ${settings.assignCap})`,
          },
        );
      } catch (err) {
        // Claimed, moved or merged meanwhile: nothing to assign.
        if (err instanceof TransitionRefused || err instanceof CaseNotFound) return { outcome: 'not_waiting', caseNumber };
        throw err;
      }
      await deps.redis.hset(lastKey(department), pick.staffId, String((deps.now ?? (() => new Date()))().getTime()));
      deps.logger.info({ caseNumber, department, assignee: pick.staffId, openCases: pick.openCases }, 'auto-assign: assigned');
      return { outcome: 'assigned', caseNumber, assignee: pick.staffId };
    } finally {
      await lease.release().catch(() => undefined);
    }
  };
}
