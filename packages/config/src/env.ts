import { z } from 'zod';

/** Thrown at start-up when the environment is wrong; lists every bad variable at once. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}

/**
 * The rule every process applies to its secrets, written once: outside production an unset
 * secret gets a development stand-in (each loader says which); with NODE_ENV=production each
 * named variable must be set, or the process stops at start naming it.
 */
export function requireInProduction<S extends z.ZodType<{ NODE_ENV: string }>>(schema: S, names: ReadonlyArray<string>) {
  return schema.superRefine((c, ctx) => {
    if (c.NODE_ENV !== 'production') return;
    const values = c as Record<string, unknown>;
    for (const name of names) {
      if (!values[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when NODE_ENV=production' });
    }
  });
}

/** `"true"`/`"1"` → true, `"false"`/`"0"`/unset → the default. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? defaultValue : v === 'true' || v === '1'));

/** `redis-cluster://[user:password@]host:port,host:port,…` (parsed by @cg/queue's createRedisConnection). */
const REDIS_CLUSTER_URL = /^rediss?-cluster:\/\/(?:[^@/]*@)?(?:(?:\[[^\]]+\]|[^:,/@]+):\d{1,5})(?:,(?:\[[^\]]+\]|[^:,/@]+):\d{1,5})*\/?$/;

/** Variables every process reads. Defaults point at the services scripts/services.sh starts. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * One Redis server (`redis://host:port`, `rediss://` for TLS) or a Redis Cluster by some of its
   * nodes: `redis-cluster://[user:password@]host:port,host:port,…` (`rediss-cluster://` for TLS).
   */
  REDIS_URL: z
    .string()
    .refine(
      (v) => (/^rediss?-cluster:\/\//.test(v) ? REDIS_CLUSTER_URL.test(v) : URL.canParse(v)),
      'a redis:// or rediss:// URL, or redis-cluster://host:port,host:port,… for a Redis Cluster',
    )
    .default('redis://127.0.0.1:6390'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27018/complaints'),
  /** BullMQ key prefix; keep the braces (Redis Cluster hash tag). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[A-Za-z0-9_-]+\}$/, 'a hash-tagged prefix such as {cg}')
    .default('{cg}'),
  /** Create MongoDB indexes at start-up (on by default outside production). */
  MONGODB_AUTO_INDEX: z.enum(['true', 'false', '1', '0']).optional(),
  /** Answer within this many working days after the day of receipt. */
  DEADLINE_TARGET_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  /** The hard limit no extension may pass, and its unit (20 working days per Circular 05/2011/TT-BTTTT). */
  DEADLINE_CAP_LENGTH: z.coerce.number().int().min(1).max(120).default(20),
  DEADLINE_CAP_UNIT: z.enum(['working_days', 'calendar_days']).default('working_days'),
  /** How often each process reloads the official calendar schedules from MongoDB. */
  CALENDAR_REFRESH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How often each process checks MongoDB for a newer retrained classifier model. */
  CLASSIFIER_REFRESH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Channels whose complaints count as written: their answer needs a supervisor's sign-off (comma-separated). */
  CASE_WRITTEN_CHANNELS: z
    .string()
    .regex(/^\s*([a-z]+\s*(,\s*[a-z]+\s*)*)?$/, 'channel names separated by commas, e.g. postal,email')
    .default('postal,email'),
  /**
   * Answer delivery jobs (queued by the gateway, re-queued by the worker's relay): tries before the
   * delivery is marked failed on the case for a person to handle, and the first backoff (doubling).
   */
  ANSWER_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  ANSWER_DELIVERY_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
});
export type CommonConfig = z.infer<typeof commonEnvSchema>;

export function autoIndexEnabled(c: CommonConfig): boolean {
  if (c.MONGODB_AUTO_INDEX !== undefined) return c.MONGODB_AUTO_INDEX === 'true' || c.MONGODB_AUTO_INDEX === '1';
  return c.NODE_ENV !== 'production';
}

export function deadlinePolicyOf(c: CommonConfig) {
  return { targetWorkingDays: c.DEADLINE_TARGET_WORKING_DAYS, capLength: c.DEADLINE_CAP_LENGTH, capUnit: c.DEADLINE_CAP_UNIT };
}
