import { Schema, type Collection, type Connection } from 'mongoose';
import type { OpenCaseFact, ReportDayStore, ReportSums, StoredReportDay } from '@cg/core';
import { isDuplicateKeyError } from '../connection';

/** One document per Vietnam day of receipt: the reports' partial sums (@cg/core report-days.ts). */
interface ReportDayDoc {
  /** The day, `YYYY-MM-DD`. */
  _id: string;
  /** `YYYY-MM`: a range's days are read as a few equalities (the only filter FerretDB v1 pushes down). */
  month: string;
  version: number;
  writeId: string;
  /**
   * The ReportSums as one JSON string, not as a nested document: FerretDB v1 decodes every array
   * element and nested field in Go with its type, and a day holds a number per answered case and
   * an entry per open one; one string is one value (a year's report read 14× faster at 10,000 cases: BENCHMARKS.md).
   */
  sums: string;
  updatedAt: Date;
}

const reportDaySchema = new Schema(
  { _id: String, month: String, version: Number, writeId: String, sums: String, updatedAt: Date },
  { collection: 'report_days', versionKey: false, strict: false, autoCreate: false },
);
reportDaySchema.index({ month: 1 }); // findDays: the months of a report's range

/** Open cases' facts as stored: `[receivedAt, targetDueAt, capDueAt, count]`, half the JSON of the object. */
type StoredOpenFact = [number, number | null, number | null, number];
const openToStored = (o: OpenCaseFact): StoredOpenFact => [o.receivedAt, o.targetDueAt, o.capDueAt, o.count];
// Objects too, without a count: days written before (`cli reports:rebuild` regroups them to the minute).
const openFromStored = (o: StoredOpenFact | Omit<OpenCaseFact, 'count'>): OpenCaseFact =>
  Array.isArray(o) ? { receivedAt: o[0], targetDueAt: o[1], capDueAt: o[2], count: o[3] } : { ...o, count: 1 };

export function sumsToStored(sums: ReportSums): string {
  return JSON.stringify({
    ...sums,
    open: sums.open.map(openToStored),
    early: { answerMs: sums.early.answerMs, open: sums.early.open.map(openToStored) },
  });
}

export function sumsFromStored(text: string): ReportSums {
  const s = JSON.parse(text) as ReportSums;
  return { ...s, open: s.open.map(openFromStored), early: { answerMs: s.early.answerMs, open: s.early.open.map(openFromStored) } };
}

/**
 * The reports' daily totals (`report_days`). Written only by @cg/core's ReportDayTotals, under
 * the day's lease (the CaseLifecycle after each case write, `cli reports:rebuild`).
 */
export class ReportDayRepository implements ReportDayStore {
  private readonly days: Collection<ReportDayDoc>;

  constructor(connection: Connection) {
    this.days = connection.model('ReportDay', reportDaySchema).collection as unknown as Collection<ReportDayDoc>;
  }

  async findDays(days: readonly string[]): Promise<StoredReportDay[]> {
    const wanted = new Set(days);
    // One day by `_id`; more by month (a year: 13 queries of ≤ 31 small documents each).
    const queries = days.length === 1 ? [{ _id: days[0]! }] : [...new Set(days.map((d) => d.slice(0, 7)))].map((month) => ({ month }));
    const found = await Promise.all(queries.map((q) => this.days.find(q).toArray()));
    return found
      .flat()
      .filter((d) => wanted.has(d._id))
      .map((d) => ({ day: d._id, version: d.version, sums: sumsFromStored(d.sums), writeId: d.writeId }));
  }

  async putIfVersion(day: string, expectedVersion: number, sums: ReportSums, writeId: string): Promise<boolean> {
    const doc: ReportDayDoc = {
      _id: day,
      month: day.slice(0, 7),
      version: expectedVersion + 1,
      writeId,
      sums: sumsToStored(sums),
      updatedAt: new Date(),
    };
    if (expectedVersion > 0) return (await this.days.replaceOne({ _id: day, version: expectedVersion }, doc)).matchedCount === 1;
    try {
      await this.days.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false; // another writer made the day first
      throw err;
    }
  }

  async versionOf(day: string): Promise<Pick<StoredReportDay, 'version' | 'writeId'> | null> {
    const d = await this.days.findOne({ _id: day }, { projection: { version: 1, writeId: 1 } });
    return d ? { version: d.version, writeId: d.writeId } : null;
  }

  async storedDays(): Promise<string[]> {
    return (await this.days.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  }
}
