import { z } from 'zod';
import { commonEnvSchema, parseEnv } from './env';
import { postalEnvShape } from './postal-config';
import { webhookEnvShape } from './webhook-config';
import { intakePublisherEnvShape } from './intake-publisher-config';

const workerEnvSchema = commonEnvSchema.extend({
  ...postalEnvShape,
  ...webhookEnvShape,
  /** The livechat intake sweep publishes intake like the gateway: the same case-number prefix, key memory and timeout. */
  ...intakePublisherEnvShape,
  /**
   * Intake jobs processed at once per worker process: they mostly wait on MongoDB, and the ones
   * waiting together share one insert of their cases and rows (CaseInsertBatcher), so more at once
   * is more per insert (issue 12: 16 → 86 cases/s, 200 → 260–309 cases/s on FerretDB).
   */
  INTAKE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(128),
  /** When to retrain the classifier from staff corrections (cron, Asia/Ho_Chi_Minh); empty = never. */
  CLASSIFIER_RETRAIN_CRON: z.string().default('0 2 * * *'),
  /** /healthz, /readyz and /metrics of the worker process; unset = no health endpoint (0 = any free port). */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
  /** How often jobs in BullMQ's failed sets that dead_letters lacks (a lost write) are recorded. */
  DEAD_LETTER_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(86_400_000)
    .default(5 * 60_000),
  /** How often open cases are checked for a deadline check that was never planned (and get it). */
  DEADLINE_RECONCILE_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(86_400_000)
    .default(10 * 60_000),
  /** Chat and note files nothing refers to are deleted once older than this many hours, checked every ORPHAN_UPLOAD_SWEEP_MS. */
  ORPHAN_UPLOAD_HOURS: z.coerce
    .number()
    .min(0.0001)
    .max(24 * 365)
    .default(24),
  ORPHAN_UPLOAD_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(86_400_000)
    .default(60 * 60_000),
  /**
   * How often the maintenance queue looks for livechat complaints stored without a case (their
   * intake failed and the visitor left), and how long a chat must have been quiet first (the
   * visitor's own retries go first).
   */
  LIVECHAT_INTAKE_SWEEP_MS: z.coerce.number().int().min(50).max(86_400_000).default(60_000),
  LIVECHAT_INTAKE_SWEEP_AFTER_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
});
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseEnv(workerEnvSchema, env);
}
