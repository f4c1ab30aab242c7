/**
 * Typed errors of @cg/calendar. Every error carries a stable machine-readable
 * `code`; messages are for humans and may change.
 */
export type CalendarErrorCode =
  | 'INVALID_DATE'
  | 'INVALID_INSTANT'
  | 'YEAR_OUT_OF_RANGE'
  | 'INVALID_LUNAR_DATE'
  | 'INVALID_POLICY'
  | 'INVALID_SCHEDULE'
  | 'EXTENSION_INVALID'
  | 'EXTENSION_REASON_REQUIRED'
  | 'EXTENSION_APPROVER_REQUIRED'
  | 'EXTENSION_NOT_LATER'
  | 'EXTENSION_BEYOND_CAP';

export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: CalendarErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CalendarError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** Raised by deadline computation and extension rules. */
export class DeadlineError extends CalendarError {
  constructor(code: CalendarErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'DeadlineError';
  }
}

export interface ScheduleIssue {
  /** JSON-path-like location, e.g. `daysOff[3].date`; '' for the whole document. */
  path: string;
  message: string;
}

/** Raised by `parseOfficialSchedule` when an official schedule document is invalid. */
export class ScheduleValidationError extends CalendarError {
  readonly issues: readonly ScheduleIssue[];

  constructor(issues: ScheduleIssue[]) {
    super(
      'INVALID_SCHEDULE',
      `invalid official schedule: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      { issues },
    );
    this.name = 'ScheduleValidationError';
    this.issues = issues;
  }
}
