import { randomBytes } from 'node:crypto';
import type { CaseReportView } from '@cg/contracts';
import type { CaseLock } from '../case-lifecycle/case-lifecycle';
import { CaseReportBuilder, vietnamDay, type ReportRange } from './case-report';
import { emptyReportSums, foldReportRow, reportTime, sameReportContribution, type CaseReportRow, type ReportSums } from './report-sums';

/**
 * The reports' daily totals (issue 13): per Vietnam day of receipt — what every table of the
 * report groups by — one small document of partial sums (ReportSums) of the cases received that
 * day. The CaseLifecycle keeps them: each case write takes the case's contribution before the write
 * away and adds the one after (both from the stored case, through the report's own fold), under
 * the day's lease; `cli reports:rebuild` recomputes them from the cases. A report reads at most
 * 366 of them instead of every case of its range.
 */
export interface StoredReportDay {
  /** `YYYY-MM-DD`, Vietnam. */
  day: string;
  version: number;
  sums: ReportSums;
  /** Who wrote this version (read back: on FerretDB v1 a version-conditioned update is not exclusive). */
  writeId: string;
}

/** Where the daily totals live (packages/db's ReportDayRepository). */
export interface ReportDayStore {
  /** The stored days among `days`; a day without cases may have no document. */
  findDays(days: readonly string[]): Promise<StoredReportDay[]>;
  /**
   * Writes a day's sums if its stored version is still `expectedVersion` (0: no document yet; a
   * unique `_id` decides between two first writes). False when the version moved on.
   */
  putIfVersion(day: string, expectedVersion: number, sums: ReportSums, writeId: string): Promise<boolean>;
  /** A day's version and writer only (the read-back after a write: the sums can be large). */
  versionOf(day: string): Promise<Pick<StoredReportDay, 'version' | 'writeId'> | null>;
  /** Every stored day (the rebuild empties the days that no longer have cases). */
  storedDays(): Promise<string[]>;
}

/** The lease of a day's totals, taken from the case lock (keys cannot meet a case number's). */
export const reportDayLeaseKey = (day: string): string => `report-day:${day}`;

/** The Vietnam day a case counts on (its receipt), or null when it has no valid receipt. */
export function reportDayOf(row: Pick<CaseReportRow, 'receivedAt'>): string | null {
  const t = reportTime(row.receivedAt);
  return t === null ? null : vietnamDay(new Date(t));
}

/** Every day of a range, oldest first. */
export function daysOfRange(range: ReportRange): string[] {
  const days: string[] = [];
  for (let t = range.start.getTime(); t < range.end.getTime(); t += 86_400_000) days.push(vietnamDay(new Date(t)));
  return days;
}

/** The report of a range from its days' totals (the route and the bench). */
export async function reportFromDays(store: Pick<ReportDayStore, 'findDays'>, range: ReportRange, now: Date): Promise<CaseReportView> {
  const builder = new CaseReportBuilder(range, now);
  for (const d of await store.findDays(daysOfRange(range))) builder.addSums(d.sums);
  return builder.build();
}

type Change = { row: CaseReportRow; sign: 1 | -1 };
type Waiting = { changes: Change[]; resolve: () => void; reject: (err: Error) => void };

/**
 * Writes case changes into their days' totals: one read-fold-write per day under the day's lease,
 * with a version check and a read-back, like a case write (FerretDB v1 applies `$inc` and
 * conditional updates by reading and writing back in Go: two writers at once lose counts).
 * Changes arriving while a day is being written go together in its next write (no timer), so a
 * burst of intake takes the day's lease once per batch, not once per case.
 */
export class ReportDayTotals {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly store: ReportDayStore,
    private readonly lock: CaseLock,
    private readonly maxAttempts = 5,
  ) {}

  /**
   * Takes `before`'s contribution away and adds `after`'s (null: none, e.g. before the insert).
   * Resolves once written; rejects when the day stayed busy or the store failed. Changes may
   * land in any order (report-sums.ts `early`).
   */
  async record(before: CaseReportRow | null, after: CaseReportRow | null): Promise<void> {
    if (sameReportContribution(before, after)) return; // most writes (notes, claims, mail) change no fact
    const changes: Change[] = [];
    if (before) changes.push({ row: before, sign: -1 });
    if (after) changes.push({ row: after, sign: 1 });
    // A case counts on its day of receipt, which no action changes; grouped by day all the same.
    const byDay = new Map<string, Change[]>();
    for (const c of changes) {
      const day = reportDayOf(c.row);
      if (day) byDay.set(day, [...(byDay.get(day) ?? []), c]);
    }
    await Promise.all([...byDay].map(([day, changes]) => this.enqueue(day, changes)));
  }

  private enqueue(day: string, changes: Change[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(day) ?? [];
      queue.push({ changes, resolve, reject });
      this.waiting.set(day, queue);
      if (!this.writing.has(day)) void this.drain(day);
    });
  }

  private async drain(day: string): Promise<void> {
    this.writing.add(day);
    await new Promise((r) => setImmediate(r)); // changes of the same tick join the first write
    try {
      for (;;) {
        const batch = this.waiting.get(day) ?? [];
        this.waiting.delete(day);
        if (!batch.length) return;
        try {
          await this.write(
            day,
            batch.flatMap((w) => w.changes),
          );
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err as Error);
        }
      }
    } finally {
      this.writing.delete(day);
    }
  }

  /** One read-fold-write of a day under its lease (`rebuilt`: the sums to put instead of folding changes). */
  async write(day: string, changes: Change[], rebuilt?: ReportSums): Promise<void> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const lease = await this.lock.acquire(reportDayLeaseKey(day));
      if (!lease) throw new Error(`the report totals of ${day} stayed busy`);
      try {
        const [stored] = await this.store.findDays([day]);
        const version = stored?.version ?? 0;
        const sums = rebuilt ?? stored?.sums ?? emptyReportSums();
        for (const c of changes) foldReportRow(sums, c.row, c.sign);
        if (!lease.isHeld()) continue; // took too long: another writer may hold the day now
        const writeId = randomBytes(9).toString('base64url');
        if (!(await this.store.putIfVersion(day, version, sums, writeId))) continue;
        // Read back: a racing write of the same version (only after a lease ran out) may have replaced ours.
        const back = await this.store.versionOf(day);
        if (back && back.version === version + 1 && back.writeId !== writeId) continue;
        return;
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
    throw new Error(`the report totals of ${day} kept changing`);
  }
}

/** Report rows folded per day of receipt: what the daily totals of those cases are (the rebuild, and tests). */
export async function reportSumsByDay(rows: AsyncIterable<CaseReportRow> | Iterable<CaseReportRow>): Promise<Map<string, ReportSums>> {
  const days = new Map<string, ReportSums>();
  for await (const row of rows) {
    const day = reportDayOf(row);
    if (!day) continue;
    const sums = days.get(day) ?? emptyReportSums();
    foldReportRow(sums, row, 1);
    days.set(day, sums);
  }
  return days;
}

/**
 * `cli reports:rebuild`: the daily totals recomputed from the cases' report rows (every case),
 * each day written under its lease, and stored days without cases emptied. Writes made to a day
 * while the rows are being read can be counted twice or missed: run it while cases are not being
 * written (or run it again).
 */
export async function rebuildReportDays(
  rows: AsyncIterable<CaseReportRow> | Iterable<CaseReportRow>,
  deps: { store: ReportDayStore; lock: CaseLock },
): Promise<{ cases: number; days: number }> {
  const days = await reportSumsByDay(rows);
  const cases = [...days.values()].reduce((n, s) => n + s.cases, 0);
  const totals = new ReportDayTotals(deps.store, deps.lock);
  for (const day of await deps.store.storedDays()) if (!days.has(day)) days.set(day, emptyReportSums());
  for (const [day, sums] of [...days].sort(([a], [b]) => a.localeCompare(b))) await totals.write(day, [], sums);
  return { cases, days: days.size };
}
