import { randomBytes } from 'node:crypto';
import type { CaseAction, IntakeEnvelope } from '@cg/contracts';
import type { CaseDeadlines, DeadlinePlanner } from '../deadlines/case-deadlines';
import type { CaseClassification } from '../intake/case-from-envelope';
import { buildCaseFromEnvelope } from '../intake/case-from-envelope';
import { caseReportFacts } from '../reports/report-facts';
import { ReportDayTotals, type ReportDayStore } from '../reports/report-days';
import {
  caseListKeys,
  toCaseView,
  withCaseDefaults,
  type CaseActor,
  type CaseData,
  type CaseView,
  type JournalEntry,
  type StoredCase,
} from './case-data';
import { CaseConflict, CaseInputInvalid, CaseLockUnavailable, CaseNotFound, TransitionRefused } from './case-errors';
import {
  DEFAULT_LIFECYCLE_SETTINGS,
  decide,
  decideMerge,
  type CaseChange,
  type MergeInput,
  isVisibleTo,
  type CaseActionInputs,
  type CaseCommand,
  type CaseCommandAction,
  type LifecycleSettings,
} from './case-state-machine';

/** One conditional write of a case: the new field values, fields removed, and what is appended. */
export interface CaseUpdate {
  set: Partial<CaseData>;
  unset: Array<keyof CaseData>;
  pushJournal: JournalEntry[];
  pushAttachments: CaseData['attachments'];
}

/** Where cases live (implemented by packages/db's CaseRepository). */
export interface CaseStore {
  findByCaseNumber(caseNumber: string): Promise<StoredCase | null>;
  /** The insert guard: one case per (channel, idempotencyKey), decided by the unique index. */
  insertIfAbsent(doc: CaseData): Promise<{ record: StoredCase; created: boolean }>;
  /**
   * Writes `update` only if the stored `version` is still `expectedVersion` (0 also matches a case
   * written before versions existed). Returns the updated case, or null when the version moved on.
   */
  updateIfVersion(caseNumber: string, expectedVersion: number, update: CaseUpdate): Promise<StoredCase | null>;
  /**
   * Writes the case's row of the lists' index (`toCaseIndexRow`, case-index.ts) unless the row
   * there is of a newer version; `ifAbsent`: only when the case has no row yet (the intake insert).
   */
  writeIndexRow?(c: StoredCase, opts?: { ifAbsent?: boolean }): Promise<void>;
  /** The reports' daily totals (reports/report-days.ts), kept by every write when present. */
  reportDays?: ReportDayStore;
}

/** A short exclusive lease on one case (implemented by packages/queue's RedisCaseLock). */
export interface CaseLease {
  /** False once the lease may have expired: the holder must not write then. */
  isHeld(): boolean;
  /** Gives the lease back, only if it is still ours (compare-and-delete). */
  release(): Promise<void>;
}

export interface CaseLock {
  /** Waits (bounded, with jittered retries) for the case's lease; null when it stayed busy. */
  acquire(caseNumber: string): Promise<CaseLease | null>;
}

export interface CaseLifecycleDeps {
  store: CaseStore;
  lock: CaseLock;
  /** Plans new deadlines for extensions and reopened cases. */
  planner?: DeadlinePlanner;
  settings?: LifecycleSettings;
  /** Called after a committed change of the deadlines (extend, reopen): re-plan the deadline checks. */
  onDeadlinesChanged?(caseNumber: string, deadlines: CaseDeadlines): Promise<void>;
  /**
   * Called after every committed change and every new case (`receive`), e.g. to tell staff
   * consoles. Must not throw; it never fails the command (the write is done).
   */
  onCommitted?(change: { action: CaseAction; before: CaseData | null; after: CaseView }): void;
  now?: () => Date;
  /** The lists' index row of a written case could not be written (logged by the app; `cli cases:reindex` repairs it). */
  onIndexWriteFailed?(caseNumber: string, err: unknown): void;
  /** The reports' daily totals could not take a written case's change (logged by the app; `cli reports:rebuild` repairs them). */
  onReportTotalsWriteFailed?(caseNumber: string, err: unknown): void;
  /** Whole-command attempts when the version moved on under us (a lost lease). Default 5. */
  maxAttempts?: number;
  /**
   * Read the case back after each write and check our journal entries are in it (default true).
   * FerretDB v1 can let two conditional updates of the same version both "succeed" (it reads,
   * applies and writes back; the last write wins), which can only happen when a lease ran out
   * mid-write; this catches it and runs the command again. Unneeded on MongoDB, where the
   * version-conditioned update is atomic.
   */
  verifyWrites?: boolean;
}

export interface CaseResult {
  case: CaseView;
  /** False for an idempotent repeat that wrote nothing. */
  changed: boolean;
}

/** `key` (the request's Idempotency-Key): the same extension retried is made once. */
export type ExtendInput = ({ extraWorkingDays: number } | { newDueDate: string }) & { reason: string; key?: string; request?: string };
export type ReopenInput = { reason: string; via?: string; contact?: { phone?: string; email?: string } };

/**
 * The one owner of a case after its insert: every transition and every journal entry goes
 * through here. Each command runs under a per-case lease (Redis) and writes with a version check:
 *
 *   acquire lease → read → decide (pure state machine) → update if version unchanged
 *   → read back: are our journal entries there? → release
 *
 * FerretDB v1 applies updates by reading and writing back in Go, so concurrent updates of one
 * document lose writes and conditional updates are not exclusive; the lease makes writers take
 * turns, and the version check stops a writer whose lease ran out from overwriting a newer
 * version (it retries the whole command on the fresh case). On FerretDB that check is itself a
 * read-then-write, so the write is read back: if a racing write replaced ours, the command runs again.
 */
export class CaseLifecycle {
  private readonly settings: LifecycleSettings;
  private readonly now: () => Date;
  private readonly totals: ReportDayTotals | null;

  constructor(private readonly deps: CaseLifecycleDeps) {
    this.settings = deps.settings ?? DEFAULT_LIFECYCLE_SETTINGS;
    this.now = deps.now ?? (() => new Date());
    this.totals = deps.store.reportDays ? new ReportDayTotals(deps.store.reportDays, deps.lock) : null;
  }

  /** Step 1: the case's single insert, with its first journal (received, classified, routed). */
  async receive(
    envelope: IntakeEnvelope,
    classification: CaseClassification,
    deadlines: CaseDeadlines,
    searchText: string,
  ): Promise<{ record: StoredCase; created: boolean }> {
    const result = await this.deps.store.insertIfAbsent(buildCaseFromEnvelope(envelope, classification, deadlines, searchText, this.now()));
    // A repeat (created: false) writes the row a crash after the insert may have left out, never over a newer one.
    await this.indexed(result.record, { ifAbsent: true });
    if (result.created) this.committed('receive', null, toCaseView(result.record));
    // Last (a change made meanwhile may reach the day first: the sums do not depend on the order).
    if (result.created) await this.totalled(result.record.caseNumber, null, result.record);
    return result;
  }

  async get(caseNumber: string, actor: CaseActor): Promise<CaseView> {
    const c = await this.deps.store.findByCaseNumber(caseNumber);
    if (!c) throw new CaseNotFound(caseNumber);
    if (!isVisibleTo(actor, withCaseDefaults(c))) throw new CaseNotFound(caseNumber);
    return toCaseView(c);
  }

  verify = this.simple('verify');
  reclassify = this.simple('reclassify');
  claim = (caseNumber: string, actor: CaseActor) => this.execute(caseNumber, actor, () => ({ action: 'claim', input: {} }));
  release = this.simple('release');
  assign = this.simple('assign');
  note = this.simple('note');
  collaborate = this.simple('collaborate');
  transfer = this.simple('transfer');
  escalate = this.simple('escalate');
  report = this.simple('report');
  draft = this.simple('draft');
  approve = this.simple('approve');
  return = this.simple('return');
  deliver = this.simple('deliver');
  resolveOnContact = this.simple('resolve_on_contact');
  close = this.simple('close');
  survey = this.simple('survey');
  deadlineCheck = this.simple('deadline_check');
  /**
   * A customer's message joins the case, or, when the case was merged meanwhile, the case it was
   * merged into (followed here, under the leases, so a message racing a merge is never lost).
   */
  async customerMessage(caseNumber: string, actor: CaseActor, input: CaseActionInputs['customer_message']): Promise<CaseResult> {
    let target = caseNumber;
    for (let hop = 0; ; hop++) {
      try {
        return await this.execute(target, actor, () => ({ action: 'customer_message', input }));
      } catch (err) {
        if (!(err instanceof TransitionRefused) || err.state !== 'merged' || hop >= 5) throw err;
        const merged = await this.deps.store.findByCaseNumber(target);
        if (!merged?.mergedInto) throw err;
        target = merged.mergedInto;
      }
    }
  }
  correspond = this.simple('correspond');
  mailEvent = this.simple('mail_event');
  /** What the answer's channel did with it (sent, task, failed, callback outcome, mailed). */
  delivery = this.simple('delivery');
  /** A failed delivery requested again by a person (a new attempt: the caller queues its job). */
  redeliver = this.simple('redeliver');
  /** Staff confirm where replies go (the customer's address, or a changed one) and review sender flags. */
  confirmReplyAddress = this.simple('confirm_reply_address');

  /** A supervisor extends the target (never past the cap: the planner throws DeadlineError). */
  async extend(caseNumber: string, actor: CaseActor, input: ExtendInput): Promise<CaseResult> {
    const planner = this.requirePlanner();
    // A retry of an extension already made (same key) changes nothing: it only plans its checks
    // again, which a failed scheduling may have left undone (job ids make planning twice a no-op).
    const result = await this.execute(caseNumber, actor, (c) => ({
      action: 'extend',
      input: {
        reason: input.reason,
        ...(input.key ? { key: input.key } : {}),
        ...(input.request ? { request: input.request } : {}),
        deadlines: c.journal.some((j) => input.key && (j.data as { key?: unknown } | undefined)?.key === input.key)
          ? c.deadlines
          : planner.extend(c.receivedAt, c.deadlines, {
              ...('extraWorkingDays' in input ? { extraWorkingDays: input.extraWorkingDays } : { newDueDate: input.newDueDate }),
              reason: input.reason,
              approvedBy: actor.kind === 'staff' ? (actor.email ?? actor.name) : 'system',
              approvedAt: this.now(),
            }),
      },
    }));
    if (result.changed || input.key) await this.deps.onDeadlinesChanged?.(caseNumber, result.case.deadlines);
    return result;
  }

  /** The customer is not satisfied: back to customer support with a new target from now. */
  async reopen(caseNumber: string, actor: CaseActor, input: ReopenInput): Promise<CaseResult> {
    const planner = this.requirePlanner();
    const result = await this.execute(caseNumber, actor, () => ({
      action: 'reopen',
      input: { ...input, deadlines: planner.forReceipt(this.now()) },
    }));
    if (result.changed) await this.deps.onDeadlinesChanged?.(caseNumber, result.case.deadlines);
    return result;
  }

  /**
   * Step 2: merges the duplicate into `input.into`. Both cases change, so both leases are taken,
   * always in case-number order (two merges of the same pair in opposite directions cannot each
   * hold one lease and wait for the other). The survivor is written first: if the process stops
   * between the two writes, the duplicate is still open and merging it again copies only what is
   * missing (decideMerge keys every copy).
   */
  async merge(
    caseNumber: string,
    actor: CaseActor,
    input: MergeInput,
  ): Promise<{ survivor: CaseView; duplicate: CaseView; changed: boolean }> {
    const into = input.into;
    if (into === caseNumber) throw new CaseInputInvalid('into', 'a case cannot be merged into itself');
    const attempts = this.deps.maxAttempts ?? 5;
    const [first, second] = [caseNumber, into].sort();
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const leases: CaseLease[] = [];
      try {
        for (const n of [first!, second!]) {
          let lease: CaseLease | null;
          try {
            lease = await this.deps.lock.acquire(n);
          } catch (err) {
            throw new CaseLockUnavailable(n, err);
          }
          if (!lease) throw new CaseConflict(n, `case ${n} is busy (someone else is changing it); try again`);
          leases.push(lease);
        }
        const [dupStored, survStored] = await Promise.all([
          this.deps.store.findByCaseNumber(caseNumber),
          this.deps.store.findByCaseNumber(into),
        ]);
        if (!dupStored) throw new CaseNotFound(caseNumber);
        if (!survStored) throw new CaseInputInvalid('into', `no case ${into}`);
        const dup = withCaseDefaults(dupStored);
        const surv = withCaseDefaults(survStored);
        const decision = decideMerge(dup, surv, actor, input, { now: this.now(), settings: this.settings });
        if (decision.noop) return { survivor: toCaseView(survStored), duplicate: toCaseView(dupStored), changed: false };
        const held = () => leases.every((l) => l.isHeld());
        if (!held()) continue;
        let survivorAfter: StoredCase = survStored;
        if (!decision.survivor.noop) {
          const written = await this.write(into, surv, decision.survivor);
          if (!written) continue;
          survivorAfter = written;
        }
        if (!held()) continue; // the survivor has its copies; the next attempt merges the duplicate
        const dupAfter = await this.write(caseNumber, dup, decision.duplicate);
        if (!dupAfter) continue;
        if (!decision.survivor.noop) this.committed('merge', surv, toCaseView(survivorAfter));
        this.committed('merge', dup, toCaseView(dupAfter));
        if (decision.deadlinesChanged) await this.deps.onDeadlinesChanged?.(into, survivorAfter.deadlines);
        return { survivor: toCaseView(survivorAfter), duplicate: toCaseView(dupAfter), changed: true };
      } finally {
        for (const l of leases.reverse()) await l.release().catch(() => undefined);
      }
    }
    throw new CaseConflict(caseNumber, `cases ${caseNumber} and ${into} kept changing; try again`);
  }

  /**
   * One conditional write of a decided change (the caller holds the case's lease): the new
   * version, the derived list keys, the journal entries with ids; read back when verifyWrites.
   * Null when the version moved on or a racing write replaced ours: decide again.
   */
  private async write(caseNumber: string, current: CaseData, change: CaseChange): Promise<StoredCase | null> {
    const entries = change.journal.map((j) => ({ id: randomBytes(9).toString('base64url'), ...j }));
    // The derived list keys (caseListKeys) follow the fields they come from on every write.
    const next: Partial<CaseData> = { ...current, ...change.set };
    for (const field of change.unset) delete next[field];
    const updated = await this.deps.store.updateIfVersion(caseNumber, current.version, {
      // …and so do the reports' facts (reports/report-facts.ts).
      set: { ...change.set, ...caseListKeys(next as CaseData), ...caseReportFacts(next), version: current.version + 1 },
      unset: change.unset,
      pushJournal: entries,
      pushAttachments: change.appendAttachments,
    });
    if (!updated) return null;
    if (this.deps.verifyWrites !== false && !(await this.survived(caseNumber, entries))) return null;
    await this.totalled(caseNumber, current, updated);
    return this.indexed(updated);
  }

  /** Runs one command under the case's lease, retrying the whole command when the version moved on. */
  async execute(caseNumber: string, actor: CaseActor, command: (c: CaseData) => CaseCommand): Promise<CaseResult> {
    const attempts = this.deps.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let lease: CaseLease | null;
      try {
        lease = await this.deps.lock.acquire(caseNumber);
      } catch (err) {
        throw new CaseLockUnavailable(caseNumber, err);
      }
      if (!lease) throw new CaseConflict(caseNumber, `case ${caseNumber} is busy (someone else is changing it); try again`);
      try {
        const stored = await this.deps.store.findByCaseNumber(caseNumber);
        if (!stored) throw new CaseNotFound(caseNumber);
        const current = withCaseDefaults(stored);
        const cmd = command(current);
        const change = decide(current, actor, cmd, { now: this.now(), settings: this.settings });
        if (change.noop) return { case: toCaseView(stored), changed: false };
        if (!lease.isHeld()) continue; // took too long: another writer may hold the case now
        // Null: the version moved on (our lease expired and someone else wrote), or our write was
        // overwritten by a racing one (see verifyWrites): decide again on the fresh case.
        const updated = await this.write(caseNumber, current, change);
        if (!updated) continue;
        const after = toCaseView(updated);
        this.committed(cmd.action, current, after);
        return { case: after, changed: true };
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
    throw new CaseConflict(caseNumber, `case ${caseNumber} kept changing; try again`);
  }

  private committed(action: CaseAction, before: CaseData | null, after: CaseView): void {
    try {
      this.deps.onCommitted?.({ action, before, after });
    } catch {
      // A listener's failure is its own: the change is committed.
    }
  }

  /**
   * After each committed write, still under the case's lease, and after the insert: the case's row of the lists' index.
   * A failure here leaves the case written and its row stale until the next write or
   * `cli cases:reindex`, so it is retried once, then reported (never failing the command).
   */
  private async indexed(c: StoredCase, opts?: { ifAbsent: true }): Promise<StoredCase> {
    const write = () => this.deps.store.writeIndexRow?.(c, opts);
    await write()
      ?.catch(write)
      .catch((err: unknown) => this.deps.onIndexWriteFailed?.(c.caseNumber, err));
    return c;
  }

  /**
   * After each committed write, still under the case's lease, and after the insert: the case's
   * change to the reports' daily totals. A failure leaves the case written and the day's totals
   * off until `cli reports:rebuild`; reported, never failing the command (retrying could count
   * the change twice).
   */
  private async totalled(caseNumber: string, before: CaseData | null, after: StoredCase): Promise<void> {
    await this.totals?.record(before, after).catch((err: unknown) => this.deps.onReportTotalsWriteFailed?.(caseNumber, err));
  }

  /** Whether every entry we wrote is in the stored journal (the journal is append-only). */
  private async survived(caseNumber: string, entries: JournalEntry[]): Promise<boolean> {
    const stored = await this.deps.store.findByCaseNumber(caseNumber);
    const ids = new Set((stored?.journal ?? []).map((j) => j.id));
    return entries.every((e) => ids.has(e.id));
  }

  private simple<A extends Exclude<CaseCommandAction, 'extend' | 'reopen' | 'claim' | 'customer_message'>>(action: A) {
    return (caseNumber: string, actor: CaseActor, input: CaseActionInputs[A]): Promise<CaseResult> =>
      this.execute(caseNumber, actor, () => ({ action, input }) as CaseCommand);
  }

  private requirePlanner(): DeadlinePlanner {
    if (!this.deps.planner) throw new Error('CaseLifecycle needs a DeadlinePlanner for extensions and reopening');
    return this.deps.planner;
  }
}
