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
