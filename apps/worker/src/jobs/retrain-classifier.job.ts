import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES } from '@cg/contracts';
import { retrainFromCorrections, type RetrainStores } from '@cg/core';

export const RETRAIN_CLASSIFIER_JOB = JOB_NAMES.retrainClassifier;

/** Scheduled retraining: a new model version only when staff corrections changed since the last one. */
export function retrainClassifierHandler(deps: { stores: RetrainStores; logger: Logger; onRetrained: () => Promise<void> }) {
  return async (job: Job<unknown>) => {
    const force = (job.data as { force?: unknown } | undefined)?.force === true;
    const result = await retrainFromCorrections(deps.stores, 'scheduler', { force });
    if (!result) return { retrained: false };
    deps.logger.info(result, 'classifier retrained');
    await deps.onRetrained();
    return { retrained: true, ...result };
  };
}
