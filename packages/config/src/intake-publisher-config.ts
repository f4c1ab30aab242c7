import { z } from 'zod';

/**
 * How a complaint is published to the intake queue (@cg/queue IntakePublisher), read by the
 * gateway (every channel's adapter) and the worker (the livechat intake sweep publishes the same way).
 */
export const intakePublisherEnvShape = {
  CASE_NUMBER_PREFIX: z
    .string()
    .regex(/^[A-Z]{1,4}$/, '1–4 capital letters')
    .default('KN'),
  /** How long an idempotency key → case number is remembered (the MongoDB unique index guards forever). */
  INTAKE_IDEMPOTENCY_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** A complaint that cannot be made durable within this time is refused (HTTP 503), never half-kept. */
  INTAKE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
};
