import type { CaseAction, CaseStatus } from './domain-values';

/**
 * Live case updates for the staff console: a socket.io namespace of its own (staff token in
 * `auth.token`, re-checked on every event and periodically), fed by every process that changes
 * cases (gateway and workers) through Redis pub/sub, so every gateway node sees every change.
 */
export const CASE_EVENTS_NAMESPACE = '/staff-cases';

export const CASE_EVENTS = {
  /** Server → staff: a case was created or changed (`CaseChangedEvent`). */
  changed: 'case:changed',
  /** Server → staff, just before it disconnects: the token expired or is no longer valid. */
  unauthorized: 'cases:unauthorized',
} as const;

/** What changed, enough for a console to decide whether its list or open case needs reading again. */
export interface CaseChangedEvent {
  caseNumber: string;
  /** `receive` for a new case. */
  action: CaseAction;
  status: CaseStatus;
  department: string;
  /** The case's version after the change (a console skips events it has already read past). */
  version: number;
  /** Departments that saw the case before or after the change (its queue and collaborators): department staff get only these. */
  departments: string[];
  /** The staff id of whoever recorded the case (hotline call, postal letter): operators and clerks get only their own. */
  recordedBy?: string;
  at: string;
}
