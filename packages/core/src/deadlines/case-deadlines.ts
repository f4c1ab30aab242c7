import {
  computeDeadlines,
  extendTarget,
  startOfLastWorkingDayBefore,
  type DeadlineExtension,
  type DeadlinePolicy,
  type DeadlineResult,
  type ExtensionRequest,
  type WorkingDayCalendar,
} from '@cg/calendar';

/** One day that did not count, and why (weekend, holiday name, official day off and its source). */
export interface SkippedDay {
  date: string;
  kind: string;
  reason: string;
  provisional: boolean;
}

/** What a case stores about its two deadlines: enough to explain them without recomputing. */
export interface CaseDeadlines {
  target: { dueAt: Date; dueDate: string; workingDays: number };
  cap: { dueAt: Date; dueDate: string; length: number; unit: string };
  policy: DeadlinePolicy;
  explanation: {
    receivedLocal: string;
    countingStartsOn: string;
    skipped: SkippedDay[];
    makeupWorkingDays: SkippedDay[];
    provisional: boolean;
    notes: string[];
  };
  extensions: DeadlineExtension[];
}

export function toCaseDeadlines(r: DeadlineResult): CaseDeadlines {
  const day = (d: { date: string; kind: string; reason: string; provisional: boolean }): SkippedDay => ({
    date: d.date,
    kind: d.kind,
    reason: d.reason,
    provisional: d.provisional,
  });
  return {
    target: { dueAt: r.target.dueAt, dueDate: r.target.dueDate, workingDays: r.target.workingDays },
    cap: { dueAt: r.cap.dueAt, dueDate: r.cap.dueDate, length: r.cap.length, unit: r.cap.unit },
    policy: { ...r.policy },
    explanation: {
      receivedLocal: r.explanation.receivedLocal,
      countingStartsOn: r.explanation.countingStartsOn,
      skipped: r.explanation.skipped.map(day),
      makeupWorkingDays: r.explanation.makeupWorkingDays.map(day),
      provisional: r.explanation.provisional,
      notes: [...r.explanation.notes],
    },
    extensions: r.extensions.map((e) => ({ ...e })),
  };
}

/** The deadline rules of one deployment: its calendar (which changes when admins load schedules) and policy. */
export class DeadlinePlanner {
  constructor(
    private readonly calendar: () => WorkingDayCalendar,
    readonly policy: DeadlinePolicy,
  ) {}

  forReceipt(receivedAt: Date): CaseDeadlines {
    return toCaseDeadlines(computeDeadlines(receivedAt, this.policy, this.calendar()));
  }

  /** Throws DeadlineError (EXTENSION_BEYOND_CAP, EXTENSION_REASON_REQUIRED, …) when the rules refuse it. */
  extend(receivedAt: Date, current: CaseDeadlines, request: ExtensionRequest): CaseDeadlines {
    return toCaseDeadlines(
      extendTarget({ receivedAt, target: current.target, extensions: current.extensions }, request, this.policy, this.calendar()),
    );
  }

  get currentCalendar(): WorkingDayCalendar {
    return this.calendar();
  }
}

export interface PlannedDeadlineCheck {
  kind: 'target_due_soon' | 'target_breached' | 'cap_breached';
  dueDate: string;
  at: Date;
}

type DeadlineDates = { target: { dueAt: Date; dueDate: string }; cap: { dueAt: Date; dueDate: string } };

/**
 * The checks of an open case run as a chain, one delayed job at a time: a reminder at the start
 * of the last working day before the target, then the target (breach → supervisors), then the
 * cap (legal limit passed). Each check plans the next, so a closed case leaves nothing behind.
 */
export function firstDeadlineCheck(d: DeadlineDates, calendar: WorkingDayCalendar): PlannedDeadlineCheck {
  return { kind: 'target_due_soon', dueDate: d.target.dueDate, at: startOfLastWorkingDayBefore({ dueDate: d.target.dueDate }, calendar) };
}

export function nextDeadlineCheck(after: PlannedDeadlineCheck['kind'], d: DeadlineDates): PlannedDeadlineCheck | undefined {
  if (after === 'target_due_soon') return { kind: 'target_breached', dueDate: d.target.dueDate, at: new Date(d.target.dueAt) };
  if (after === 'target_breached') return { kind: 'cap_breached', dueDate: d.cap.dueDate, at: new Date(d.cap.dueAt) };
  return undefined;
}

/**
 * The check an open case should have planned now, read from the case alone (for the reconcile
 * sweep): the step after the last one its escalations record for its current due dates — the
 * deadline_check action keys them `<kind>@<dueDate>` — or none once the cap was checked.
 */
export function pendingDeadlineCheck(
  d: DeadlineDates,
  recordedKeys: ReadonlyArray<string>,
  calendar: WorkingDayCalendar,
): PlannedDeadlineCheck | undefined {
  const recorded = new Set(recordedKeys);
  if (recorded.has(`cap_breached@${d.cap.dueDate}`)) return undefined;
  if (recorded.has(`target_breached@${d.target.dueDate}`)) return nextDeadlineCheck('target_breached', d);
  if (recorded.has(`target_due_soon@${d.target.dueDate}`)) return nextDeadlineCheck('target_due_soon', d);
  return firstDeadlineCheck(d, calendar);
}
