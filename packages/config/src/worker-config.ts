import { z } from 'zod';
import { commonEnvSchema, parseEnv } from './env';

const workerEnvSchema = commonEnvSchema.extend({
  /** Intake jobs processed at once per worker process (they mostly wait on MongoDB). */
  INTAKE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
});
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseEnv(workerEnvSchema, env);
}
