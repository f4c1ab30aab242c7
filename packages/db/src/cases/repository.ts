import type { Connection, Model } from 'mongoose';
import type { CaseStatus, Channel } from '@cg/contracts';
import type { CaseDeadlines, JournalEntry, NewCaseFields } from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { caseSchema, type CaseDocument } from './schema';

export type CaseRecord = CaseDocument & { _id: unknown; createdAt: Date; updatedAt: Date };

/** Cases still being worked on: deadline checks and escalations apply only to these. */
export const OPEN_STATUSES: CaseStatus[] = ['triage', 'routed', 'in_progress'];

export interface CaseListFilter {
  department?: string;
  status?: CaseStatus;
  channel?: Channel;
  /** Already folded (see foldForSearch); matched as a substring of the folded text or the case number. */
  q?: string;
  escalated?: boolean;
}

export class CaseRepository {
  readonly model: Model<CaseDocument>;

  constructor(connection: Connection) {
    this.model = connection.model<CaseDocument>('Case', caseSchema);
  }

  /**
   * Inserts the case unless one with the same (channel, idempotencyKey) exists; the unique
   * index decides, so two workers racing on the same complaint create exactly one case.
   */
  async insertIfAbsent(doc: NewCaseFields): Promise<{ record: CaseRecord; created: boolean }> {
    try {
      // Straight to the driver: the document is built and typed by our own code, and mongoose's
      // casting of this large nested document was the worker's largest CPU cost per case.
      const now = new Date();
      const record = {
        ...doc,
        escalated: false,
        escalations: [],
        escalationCount: 0,
        createdAt: now,
        updatedAt: now,
      } as unknown as CaseRecord;
      await this.model.collection.insertOne(record as never);
      return { record, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.findByIdempotencyKey(doc.channel, doc.idempotencyKey);
      if (!existing) throw err; // duplicate on another unique key (case number): a real fault
      return { record: existing, created: false };
    }
  }

  async findByIdempotencyKey(channel: Channel, idempotencyKey: string): Promise<CaseRecord | null> {
    return this.model.findOne({ channel, idempotencyKey }).lean<CaseRecord>().exec();
  }

  async findByCaseNumber(caseNumber: string): Promise<CaseRecord | null> {
    return this.model.findOne({ caseNumber }).lean<CaseRecord>().exec();
  }

  /**
   * Records one deadline check on an open case, once per (kind, due date). Optimistic
   * concurrency on `escalationCount`: FerretDB v1 does not give `{'escalations.key': {$ne: k}}`
   * MongoDB's "no element has k" meaning on arrays of documents, so the check is done here and
   * the write only lands if nobody else escalated the case in between. Returns false when
   * nothing was written (already recorded, or the case is no longer open).
   */
  async recordEscalation(caseNumber: string, e: EscalationUpdate): Promise<boolean> {
    const key = `${e.kind}@${e.dueDate}`;
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.model.findOne({ caseNumber }, { status: 1, escalations: 1, escalationCount: 1 }).lean<CaseRecord>().exec();
      if (!current || !OPEN_STATUSES.includes(current.status)) return false;
      if (current.escalations?.some((x) => x.key === key)) return false;
      const res = await this.model
        .updateOne(
          { caseNumber, status: { $in: OPEN_STATUSES }, escalationCount: current.escalationCount ?? 0 },
          {
            $inc: { escalationCount: 1 },
            $push: { escalations: { key, kind: e.kind, dueDate: e.dueDate, at: e.at, level: e.level }, journal: e.journal },
            $set: { ...(e.level === 'supervisor' ? { escalated: true } : {}), ...(e.priority ? { priority: e.priority } : {}) },
          },
        )
        .exec();
      if (res.modifiedCount === 1) return true;
    }
    throw new Error(`case ${caseNumber}: escalation kept conflicting with concurrent updates`);
  }

  /**
   * Replaces the deadlines after an approved extension, only if the target is still the one
   * the approver saw (optimistic concurrency on the due date). Returns the updated case or null.
   */
  async applyExtension(
    caseNumber: string,
    expectedTargetDueDate: string,
    deadlines: CaseDeadlines,
    journal: JournalEntry,
  ): Promise<CaseRecord | null> {
    return this.model
      .findOneAndUpdate(
        { caseNumber, 'deadlines.target.dueDate': expectedTargetDueDate },
        { $set: { deadlines }, $push: { journal } },
        { returnDocument: 'after' },
      )
      .lean<CaseRecord>()
      .exec();
  }

  /**
   * A staff correction of the department: moves the case to that department's queue (from
   * triage or another department) and journals who did it. Only open cases are moved.
   */
  async reclassify(
    caseNumber: string,
    change: { department: string; by: JournalEntry['actor']; at: Date; note?: string; previous: string },
  ): Promise<CaseRecord | null> {
    return this.model
      .findOneAndUpdate(
        { caseNumber, status: { $in: ['triage', 'routed'] } },
        {
          $set: {
            department: change.department,
            status: 'routed',
            'classification.department': change.department,
            'classification.method': 'manual',
            'classification.abstained': false,
            'classification.classifiedAt': change.at,
          },
          $push: {
            journal: {
              at: change.at,
              type: 'reclassified',
              actor: change.by,
              message: `Department corrected from ${change.previous} to ${change.department}${change.note ? `: ${change.note}` : ''}.`,
              data: { from: change.previous, to: change.department },
            },
          },
        },
        { returnDocument: 'after' },
      )
      .lean<CaseRecord>()
      .exec();
  }

  async list(filter: CaseListFilter, page: { offset: number; limit: number }): Promise<{ items: CaseRecord[]; total: number }> {
    const query: Record<string, unknown> = {};
    if (filter.department) query.department = filter.department;
    if (filter.status) query.status = filter.status;
    if (filter.channel) query.channel = filter.channel;
    if (filter.escalated !== undefined) query.escalated = filter.escalated;
    if (filter.q) {
      const pattern = escapeRegex(filter.q);
      query.$or = [{ caseNumber: filter.q.toUpperCase() }, { searchText: { $regex: pattern } }];
    }
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort({ receivedAt: -1, _id: -1 })
        .skip(page.offset)
        .limit(page.limit)
        .select({ journal: 0, searchText: 0, safeHtml: 0 })
        .lean<CaseRecord[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items, total };
  }
}

export interface EscalationUpdate {
  kind: string;
  dueDate: string;
  level: 'department' | 'supervisor';
  at: Date;
  journal: JournalEntry;
  /** Raise the priority to this (callers never lower it). */
  priority?: 'high' | 'urgent';
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
