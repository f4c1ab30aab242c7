import type { CaseAction, CaseChangedEvent } from '@cg/contracts';
import type { CaseData, CaseView } from './case-data';

/** The live-update event of a committed change: who may see it is decided from the case before and after. */
export function caseChangedEvent(change: { action: CaseAction; before: CaseData | null; after: CaseView }, at: Date): CaseChangedEvent {
  const { before, after } = change;
  const departments = new Set([after.department, ...(after.collaborators ?? [])]);
  if (before) [before.department, ...(before.collaborators ?? [])].forEach((d) => departments.add(d));
  return {
    caseNumber: after.caseNumber,
    action: change.action,
    status: after.status,
    department: after.department,
    version: after.version ?? 0,
    departments: [...departments],
    ...(after.recordedBy?.staffId ? { recordedBy: after.recordedBy.staffId } : {}),
    at: at.toISOString(),
  };
}
