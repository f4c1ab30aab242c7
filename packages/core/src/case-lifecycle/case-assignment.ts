import type { CaseAction } from '@cg/contracts';
import type { CaseData, CaseView } from './case-data';

/**
 * Automatic fair assignment (step 3), the pure part. A case that enters a department queue
 * (`routed` from intake, reclassify, transfer, release) gets one auto-assign job; the worker counts
 * open cases per available member of the department under a per-department lease and assigns
 * through the lifecycle as the system (which only takes cases still waiting in the queue).
 */

/** Whether this committed change put the case into a department's queue (unowned, `routed`). */
export function enteredDepartmentQueue(change: {
  action: CaseAction;
  before: Pick<CaseData, 'status' | 'department'> | null;
  after: CaseView;
}): boolean {
  const { before, after } = change;
  if (after.status !== 'routed' || after.owner) return false;
  return before === null || before.status !== 'routed' || before.department !== after.department;
}

export interface AssignmentCandidate {
  staffId: string;
  name: string;
  /** Open cases they own now. */
  openCases: number;
  /** When automatic assignment last gave them a case (ms since epoch; 0: never). */
  lastAssignedAt: number;
}

/**
 * The fair choice: below the cap, fewest open cases; ties go to the one assigned longest ago, then
 * by id (so the choice is deterministic). `exclude`: who just gave the case back (a release). Null
 * when everyone is at the cap or nobody is available: the case waits in the queue.
 */
export function pickAssignee(
  candidates: readonly AssignmentCandidate[],
  cap: number,
  exclude: readonly string[] = [],
): AssignmentCandidate | null {
  const eligible = candidates.filter((c) => c.openCases < cap && !exclude.includes(c.staffId));
  eligible.sort((a, b) => a.openCases - b.openCases || a.lastAssignedAt - b.lastAssignedAt || a.staffId.localeCompare(b.staffId));
  return eligible[0] ?? null;
}
