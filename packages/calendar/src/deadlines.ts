/**
 * Complaint deadlines (DESIGN §1, §7):
 *   - the day of receipt is never counted: counting starts on the next calendar
 *     day, whatever the receipt day is (working day, weekend or holiday);
 *   - days are Asia/Ho_Chi_Minh days (UTC+7): a receipt at 2026-02-13T20:00Z is
 *     on 14/02/2026 local;
 *   - the target is the N-th working day (default 5); the cap is the M-th
 *     working day (default 20) or, with capUnit 'calendar_days', the M-th
 *     calendar day after the receipt day;
 *   - a deadline ends at 24:00 Asia/Ho_Chi_Minh of its day, represented as the
 *     instant `dueDate + 1 day, 00:00 +07:00` (= 17:00Z on dueDate).
 *
 * Note: with capUnit 'calendar_days' the cap is NOT moved off a weekend or
 * holiday (no Civil Code Art. 148(5)-style roll-forward); say so if needed.
 */
import {
  epochDayFromIso,
  formatVnDateTime,
  isoFromEpochDay,
  parseInstant,
  vnEndOfEpochDay,
  vnEpochDayOf,
  vnStartOfEpochDay,
  ymdFromEpochDay,
  WEEKDAY_EN,
} from './dates';
import { CalendarError, DeadlineError } from './errors';
import { createDefaultCalendar, type DayInfo, type WorkingDayCalendar } from './working-day-calendar';

export type CapUnit = 'working_days' | 'calendar_days';

export interface DeadlinePolicy {
  /** Working days to answer (default 5). */
  targetWorkingDays: number;
  /** Absolute limit that no extension may pass (default 20). */
  capLength: number;
  /** Unit of capLength (default 'working_days', as in Circular 05/2011/TT-BTTTT). */
  capUnit: CapUnit;
}

export const DEFAULT_DEADLINE_POLICY: Readonly<DeadlinePolicy> = Object.freeze({
  targetWorkingDays: 5,
  capLength: 20,
  capUnit: 'working_days',
});

/** Longest period accepted, a guard against runaway loops. */
export const MAX_POLICY_LENGTH = 400;

export interface Deadline {
  /** The instant the deadline passes: 24:00 Asia/Ho_Chi_Minh of dueDate. */
  dueAt: Date;
  /** The last day (Asia/Ho_Chi_Minh), 'YYYY-MM-DD'. */
  dueDate: string;
}

export interface TargetDeadline extends Deadline {
  /** Working days from the day after receipt up to and including dueDate. */
  workingDays: number;
}

export interface CapDeadline extends Deadline {
  length: number;
  unit: CapUnit;
}

export interface DeadlineExplanation {
  /** Local wall-clock time of receipt, e.g. '2026-02-14 03:00 +07:00'. */
  receivedLocal: string;
  /** The receipt day; it is never counted. */
  receiptDay: DayInfo;
  /** First calendar day that may count (the day after receipt). */
  countingStartsOn: string;
  /** Every non-working calendar day after the receipt day up to and including the cap's day, with the reason. */
  skipped: readonly DayInfo[];
  /** Make-up working days (official Saturdays/Sundays worked) in the same range; they were counted. */
  makeupWorkingDays: readonly DayInfo[];
  /** True when any day in the range comes from a year without an official schedule. */
  provisional: boolean;
  provisionalYears: number[];
  /** Extra remarks (e.g. target clamped to the cap). */
  notes: string[];
}

export interface DeadlineExtension {
  from: string;
  to: string;
  /** Working days added (computed when a new date was given). */
  extraWorkingDays: number;
  reason: string;
  approvedBy: string;
  approvedAt?: Date;
}

export interface DeadlineResult {
  receivedAt: Date;
  /** Asia/Ho_Chi_Minh day of receipt. */
  receivedDate: string;
  policy: DeadlinePolicy;
  target: TargetDeadline;
  cap: CapDeadline;
  explanation: DeadlineExplanation;
  /** Extensions applied so far (oldest first); empty for a fresh computation. */
  extensions: DeadlineExtension[];
}

let defaultCalendar: WorkingDayCalendar | undefined;
function getDefaultCalendar(): WorkingDayCalendar {
  defaultCalendar ??= createDefaultCalendar();
  return defaultCalendar;
}

/** Validates a (possibly partial) policy, filling defaults; throws DeadlineError INVALID_POLICY. */
export function resolvePolicy(policy: Partial<DeadlinePolicy> = {}): DeadlinePolicy {
  const p: DeadlinePolicy = {
    targetWorkingDays: policy.targetWorkingDays ?? DEFAULT_DEADLINE_POLICY.targetWorkingDays,
    capLength: policy.capLength ?? DEFAULT_DEADLINE_POLICY.capLength,
    capUnit: policy.capUnit ?? DEFAULT_DEADLINE_POLICY.capUnit,
  };
  const intIn = (v: number): boolean => Number.isInteger(v) && v >= 1 && v <= MAX_POLICY_LENGTH;
  if (!intIn(p.targetWorkingDays)) {
    throw new DeadlineError(
      'INVALID_POLICY',
      `targetWorkingDays must be an integer 1–${MAX_POLICY_LENGTH}: ${String(p.targetWorkingDays)}`,
    );
  }
  if (!intIn(p.capLength)) {
    throw new DeadlineError('INVALID_POLICY', `capLength must be an integer 1–${MAX_POLICY_LENGTH}: ${String(p.capLength)}`);
  }
  if (p.capUnit !== 'working_days' && p.capUnit !== 'calendar_days') {
    throw new DeadlineError('INVALID_POLICY', `capUnit must be 'working_days' or 'calendar_days': ${String(p.capUnit)}`);
  }
  if (p.capUnit === 'working_days' && p.capLength < p.targetWorkingDays) {
    throw new DeadlineError(
      'INVALID_POLICY',
      `capLength (${p.capLength} working days) is shorter than targetWorkingDays (${p.targetWorkingDays})`,
    );
  }
  return p;
}

function toInstant(value: Date | string): Date {
  const d = typeof value === 'string' ? parseInstant(value) : value;
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new DeadlineError('INVALID_INSTANT', `receivedAt is not a valid instant: ${String(value)}`);
  }
  return d;
}

/** Counts working days in (fromExclusive, toInclusive]. */
function countWorkingDays(calendar: WorkingDayCalendar, fromExclusive: number, toInclusive: number): number {
  let n = 0;
  for (let d = fromExclusive + 1; d <= toInclusive; d++) if (calendar.isWorkingEpochDay(d)) n++;
  return n;
}

function build(
  receivedAt: Date,
  policy: DeadlinePolicy,
  calendar: WorkingDayCalendar,
  targetDayOverride: number | undefined,
  extensions: DeadlineExtension[],
): DeadlineResult {
  const r = vnEpochDayOf(receivedAt);
  const notes: string[] = [];

  // Count working days from r+1; the target is reached first, then (for a working-day cap) the cap.
  let d = r;
  let count = 0;
  const N = policy.targetWorkingDays;
  while (count < N) {
    d++;
    if (calendar.isWorkingEpochDay(d)) count++;
  }
  let targetDay = d;
  let capDay: number;
  if (policy.capUnit === 'working_days') {
    while (count < policy.capLength) {
      d++;
      if (calendar.isWorkingEpochDay(d)) count++;
    }
    capDay = d;
  } else {
    capDay = r + policy.capLength;
    if (targetDay > capDay) {
      notes.push(
        `The ${N}-working-day target (${isoFromEpochDay(targetDay)}) falls after the ${policy.capLength}-calendar-day cap; the target is set to the cap.`,
      );
      targetDay = capDay;
    }
  }
  const clamped = notes.length > 0;
  if (targetDayOverride !== undefined) targetDay = targetDayOverride;
  const targetWorkingDays = targetDayOverride !== undefined || clamped ? countWorkingDays(calendar, r, targetDay) : N;

  const skipped: DayInfo[] = [];
  const makeup: DayInfo[] = [];
  for (let x = r + 1; x <= capDay; x++) {
    const info = calendar.dayInfoAt(x);
    if (!info.working) skipped.push(info);
    else if (info.kind === 'makeup_working_day') makeup.push(info);
  }
  const provisionalYears: number[] = [];
  const y0 = ymdFromEpochDay(r + 1).year;
  const y1 = ymdFromEpochDay(capDay).year;
  for (let y = y0; y <= y1; y++) if (calendar.isProvisionalYear(y)) provisionalYears.push(y);

  return {
    receivedAt,
    receivedDate: isoFromEpochDay(r),
    policy,
    target: { dueAt: vnEndOfEpochDay(targetDay), dueDate: isoFromEpochDay(targetDay), workingDays: targetWorkingDays },
    cap: { dueAt: vnEndOfEpochDay(capDay), dueDate: isoFromEpochDay(capDay), length: policy.capLength, unit: policy.capUnit },
    explanation: {
      receivedLocal: formatVnDateTime(receivedAt),
      receiptDay: calendar.dayInfoAt(r),
      countingStartsOn: isoFromEpochDay(r + 1),
      skipped,
      makeupWorkingDays: makeup,
      provisional: provisionalYears.length > 0,
      provisionalYears,
      notes,
    },
    extensions,
  };
}

/**
 * Computes the target and cap deadlines of a complaint received at `receivedAt`
 * (a Date, or an ISO 8601 string; see parseInstant). Defaults: DEFAULT_DEADLINE_POLICY and
 * a calendar with the shipped official schedules.
 */
export function computeDeadlines(
  receivedAt: Date | string,
  policy: Partial<DeadlinePolicy> = DEFAULT_DEADLINE_POLICY,
  calendar: WorkingDayCalendar = getDefaultCalendar(),
): DeadlineResult {
  const p = policy === DEFAULT_DEADLINE_POLICY ? DEFAULT_DEADLINE_POLICY : resolvePolicy(policy);
  return build(toInstant(receivedAt), p, calendar, undefined, []);
}

export interface ExtensionRequest {
  /** Move the target this many working days later (positive integer) … */
  extraWorkingDays?: number;
  /** … or to this date ('YYYY-MM-DD', Asia/Ho_Chi_Minh). Exactly one of the two. */
  newDueDate?: string;
  /** Why the case needs more time (required, non-empty). */
  reason: string;
  /** Who approved (the supervisor; required, non-empty). */
  approvedBy: string;
  approvedAt?: Date;
}

/** What extendTarget needs from the current state (a DeadlineResult, or the same fields read back from storage). */
export interface DeadlineState {
  receivedAt: Date | string;
  target: { dueDate: string };
  extensions?: DeadlineExtension[];
}

/**
 * Moves the target later, with a reason and an approver, never past the cap.
 * The cap is recomputed from receivedAt with `policy` and `calendar`.
 * Throws DeadlineError with code EXTENSION_REASON_REQUIRED, EXTENSION_APPROVER_REQUIRED,
 * EXTENSION_INVALID, EXTENSION_NOT_LATER or EXTENSION_BEYOND_CAP.
 */
export function extendTarget(
  current: DeadlineState,
  request: ExtensionRequest,
  policy: Partial<DeadlinePolicy> = DEFAULT_DEADLINE_POLICY,
  calendar: WorkingDayCalendar = getDefaultCalendar(),
): DeadlineResult {
  const reason = typeof request.reason === 'string' ? request.reason.trim() : '';
  if (!reason) throw new DeadlineError('EXTENSION_REASON_REQUIRED', 'an extension needs a non-empty reason');
  const approvedBy = typeof request.approvedBy === 'string' ? request.approvedBy.trim() : '';
  if (!approvedBy) throw new DeadlineError('EXTENSION_APPROVER_REQUIRED', "an extension needs the approving supervisor's identity");
  const hasExtra = request.extraWorkingDays !== undefined;
  const hasDate = request.newDueDate !== undefined;
  if (hasExtra === hasDate) {
    throw new DeadlineError('EXTENSION_INVALID', 'give exactly one of extraWorkingDays or newDueDate');
  }
  const p = resolvePolicy(policy);
  const receivedAt = toInstant(current.receivedAt);
  let from: number;
  try {
    from = epochDayFromIso(current.target.dueDate);
  } catch {
    throw new DeadlineError('EXTENSION_INVALID', `current target dueDate is not a valid date: ${String(current.target?.dueDate)}`);
  }
  let to: number;
  if (hasExtra) {
    const n = request.extraWorkingDays!;
    if (!Number.isInteger(n) || n < 1 || n > MAX_POLICY_LENGTH) {
      throw new DeadlineError('EXTENSION_INVALID', `extraWorkingDays must be a positive integer: ${String(n)}`);
    }
    to = from;
    for (let c = 0; c < n;) {
      to++;
      if (calendar.isWorkingEpochDay(to)) c++;
    }
  } else {
    try {
      to = epochDayFromIso(request.newDueDate!);
    } catch (e) {
      throw new DeadlineError('EXTENSION_INVALID', (e as CalendarError).message);
    }
    if (to <= from) {
      throw new DeadlineError(
        'EXTENSION_NOT_LATER',
        `new due date ${request.newDueDate!} is not after the current target ${current.target.dueDate}`,
        {
          current: current.target.dueDate,
          requested: request.newDueDate,
        },
      );
    }
  }
  const base = build(receivedAt, p, calendar, undefined, []);
  const capDay = epochDayFromIso(base.cap.dueDate);
  if (to > capDay) {
    throw new DeadlineError(
      'EXTENSION_BEYOND_CAP',
      `extension to ${isoFromEpochDay(to)} passes the cap ${base.cap.dueDate} (${p.capLength} ${p.capUnit.replace('_', ' ')} after receipt)`,
      { requested: isoFromEpochDay(to), cap: base.cap.dueDate },
    );
  }
  const extension: DeadlineExtension = {
    from: current.target.dueDate,
    to: isoFromEpochDay(to),
    extraWorkingDays: hasExtra ? request.extraWorkingDays! : countWorkingDays(calendar, from, to),
    reason,
    approvedBy,
  };
  if (request.approvedAt !== undefined) extension.approvedAt = request.approvedAt;
  return build(receivedAt, p, calendar, to, [...(current.extensions ?? []), extension]);
}

/**
 * Start (00:00 Asia/Ho_Chi_Minh) of the last working day before the deadline
 * instant — i.e. of the last working day on or before its dueDate — or, with
 * `workingDaysEarlier` = k > 0, of the k-th working day before that one.
 * Meant for reminders ("due today", "due tomorrow").
 */
export function startOfLastWorkingDayBefore(
  deadline: Deadline | { dueDate: string } | Date,
  calendar: WorkingDayCalendar = getDefaultCalendar(),
  workingDaysEarlier = 0,
): Date {
  if (!Number.isInteger(workingDaysEarlier) || workingDaysEarlier < 0) {
    throw new CalendarError('INVALID_POLICY', `workingDaysEarlier must be a non-negative integer: ${workingDaysEarlier}`);
  }
  let d = deadline instanceof Date ? vnEpochDayOf(new Date(toInstant(deadline).getTime() - 1)) : epochDayFromIso(deadline.dueDate);
  while (!calendar.isWorkingEpochDay(d)) d--;
  for (let c = 0; c < workingDaysEarlier;) {
    d--;
    if (calendar.isWorkingEpochDay(d)) c++;
  }
  return vnStartOfEpochDay(d);
}

function dayLabel(info: DayInfo): string {
  return `${WEEKDAY_EN[info.weekday]!.slice(0, 3)} ${info.date}`;
}

/** Human-readable lines explaining a deadline computation (used by the CLI). */
export function formatDeadlineExplanation(result: DeadlineResult): string[] {
  const { explanation: e, target, cap, policy } = result;
  const lines: string[] = [];
  lines.push(
    `Received:  ${result.receivedAt.toISOString()} = ${e.receivedLocal} (${dayLabel(e.receiptDay)}, ${e.receiptDay.reason}; the receipt day is not counted)`,
  );
  const targetLabel =
    result.extensions.length > 0 ? `extended, ${target.workingDays} working days` : `${policy.targetWorkingDays} working days`;
  lines.push(`Target:    ${target.dueDate} 24:00 +07:00 = ${target.dueAt.toISOString()} (${targetLabel})`);
  lines.push(`Cap:       ${cap.dueDate} 24:00 +07:00 = ${cap.dueAt.toISOString()} (${cap.length} ${cap.unit.replace('_', ' ')})`);
  for (const x of result.extensions) {
    lines.push(`Extension: ${x.from} → ${x.to} (+${x.extraWorkingDays} working days), approved by ${x.approvedBy}: ${x.reason}`);
  }
  if (e.skipped.length === 0) lines.push(`Skipped:   none between ${e.countingStartsOn} and ${cap.dueDate}`);
  else {
    lines.push(`Skipped (${e.skipped.length} days between ${e.countingStartsOn} and ${cap.dueDate}):`);
    for (const s of e.skipped) lines.push(`  ${dayLabel(s)}${s.date <= target.dueDate ? '' : ' (after target)'}  ${s.reason}`);
  }
  if (e.makeupWorkingDays.length > 0) {
    lines.push('Make-up working days counted:');
    for (const m of e.makeupWorkingDays) lines.push(`  ${dayLabel(m)}  ${m.reason}`);
  }
  if (e.provisional) {
    lines.push(`Provisional: no official schedule for ${e.provisionalYears.join(', ')}; holidays computed from the Labour Code.`);
  }
  for (const n of e.notes) lines.push(`Note: ${n}`);
  return lines;
}
