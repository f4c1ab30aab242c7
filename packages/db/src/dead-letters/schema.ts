import { Schema, type InferSchemaType } from 'mongoose';

/** A job that failed its last attempt: kept with its payload and error until re-driven. */
export const deadLetterSchema = new Schema(
  {
    queue: { type: String, required: true },
    jobId: { type: String, required: true },
    jobName: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    error: { type: String, required: true },
    stack: String,
    attemptsMade: { type: Number, required: true },
    failedAt: { type: Date, required: true },
    status: { type: String, enum: ['dead', 'redriven'], required: true },
    redrivenAt: Date,
    redriveJobId: String,
  },
  { timestamps: true, collection: 'dead_letters', minimize: false },
);

// One record per failed job (a job that fails again after a re-drive updates its record).
deadLetterSchema.index({ queue: 1, jobId: 1 }, { unique: true });
// The operator's list: what is still dead, newest first.
deadLetterSchema.index({ status: 1, failedAt: -1 });

export type DeadLetterDocument = InferSchemaType<typeof deadLetterSchema>;
