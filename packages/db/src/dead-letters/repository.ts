import { deadLetterSchema, type DeadLetterDocument } from './schema';
import { repositoryOf } from '../repository';

export type DeadLetterRecord = DeadLetterDocument & { _id: { toString(): string } };

export interface FailedJob {
  queue: string;
  jobId: string;
  jobName: string;
  data: unknown;
  error: string;
  stack?: string;
  attemptsMade: number;
  failedAt: Date;
}

export class DeadLetterRepository extends repositoryOf<DeadLetterDocument>('DeadLetter', deadLetterSchema) {
  /** Idempotent: the same failed job recorded twice is one record. */
  async record(job: FailedJob): Promise<void> {
    await this.model
      .findOneAndUpdate(
        { queue: job.queue, jobId: job.jobId },
        { $set: { ...job, status: 'dead' } },
        { upsert: true, returnDocument: 'after' },
      )
      .exec();
  }

  /**
   * Records the failed jobs not recorded yet (the sweep's catch-up after a lost write); never
   * touches an existing record, so a re-driven one stays re-driven. Returns how many were added.
   */
  async recordMissing(jobs: FailedJob[]): Promise<number> {
    if (jobs.length === 0) return 0;
    let added = 0;
    for (const queue of new Set(jobs.map((j) => j.queue))) {
      const ofQueue = jobs.filter((j) => j.queue === queue);
      const known = new Set(
        (
          await this.model
            .find({ queue, jobId: { $in: ofQueue.map((j) => j.jobId) } }, { jobId: 1 })
            .lean<Array<{ jobId: string }>>()
            .exec()
        ).map((r) => r.jobId),
      );
      for (const job of ofQueue.filter((j) => !known.has(j.jobId))) {
        try {
          await this.model.create({ ...job, status: 'dead' });
          added++;
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err; // recorded meanwhile by the hook
        }
      }
    }
    return added;
  }

  async list(status: 'dead' | 'redriven' = 'dead', limit = 100): Promise<DeadLetterRecord[]> {
    return this.model.find({ status }).sort({ failedAt: -1 }).limit(limit).lean<DeadLetterRecord[]>().exec();
  }

  async findById(id: string): Promise<DeadLetterRecord | null> {
    return this.model.findById(id).lean<DeadLetterRecord>().exec();
  }

  async markRedriven(id: string, redriveJobId: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'redriven', redrivenAt: at, redriveJobId } }).exec();
  }
}
