import type { CaseAction, CaseStatus } from '@cg/contracts';

/** What the lifecycle throws; routes map them to 404 / 409 / 403 / 409 / 400 problem documents. */
export class CaseLifecycleError extends Error {}

/** No such case, or one the actor may not see (department staff outside its departments). */
export class CaseNotFound extends CaseLifecycleError {
  constructor(readonly caseNumber: string) {
    super(`no case ${caseNumber}`);
    this.name = 'CaseNotFound';
  }
}

/** The action is not allowed in the case's current state (or a rule of the action refuses it). */
export class TransitionRefused extends CaseLifecycleError {
  constructor(
    readonly caseNumber: string,
    readonly state: CaseStatus,
    readonly action: CaseAction,
    /** What may be done to the case now (by anyone with the permission). */
    readonly allowedActions: CaseAction[],
    readonly reason?: string,
  ) {
    super(reason ?? `case ${caseNumber} is ${state}: ${action} is not allowed (allowed: ${allowedActions.join(', ') || 'none'})`);
    this.name = 'TransitionRefused';
  }
}

/** The actor's role may not fire the action. */
export class NotPermitted extends CaseLifecycleError {
  constructor(
    readonly action: CaseAction,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'NotPermitted';
  }
}

/** The case kept changing under the command (lease lost or never acquired); the caller may retry. */
export class CaseConflict extends CaseLifecycleError {
  constructor(
    readonly caseNumber: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'CaseConflict';
  }
}

/** The input does not fit the case (e.g. transfer to the department it is already in). */
export class CaseInputInvalid extends CaseLifecycleError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CaseInputInvalid';
  }
}

/** The lock service (Redis) could not be reached: nothing was written; retry later (503). */
export class CaseLockUnavailable extends CaseLifecycleError {
  constructor(
    readonly caseNumber: string,
    override readonly cause: unknown,
  ) {
    super(
      `case ${caseNumber}: the lock service is unavailable (${cause instanceof Error ? cause.message : String(cause)}); nothing was changed`,
    );
    this.name = 'CaseLockUnavailable';
  }
}
