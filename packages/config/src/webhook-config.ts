import { z } from 'zod';
import { envBoolean } from './env';

/**
 * Webhooks (issue 11), read by the gateway (URL checks, re-sends) and the worker (deliveries).
 * Outside production plain http and private/loopback targets are allowed (tests run a receiver
 * on 127.0.0.1); in production HTTPS to public addresses only, unless the operator allows
 * private targets for a CRM inside the company network (see @cg/core webhook-target.ts: SSRF).
 */
export const webhookEnvShape = {
  /** Tries per delivery before it is recorded failed (each a POST with WEBHOOK_TIMEOUT_MS). */
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  /** First wait before a retry, doubling each time with jitter (30 s, 1 min, 2 min … about 4 h in all by default). */
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  /** The whole HTTP call (connect, send, answer headers and up to 4 KB of the answer). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Deliveries failed for good in a row after which the endpoint is disabled and admins are told. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** Allow targets on private networks in production (an on-premises CRM); still HTTPS only. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: envBoolean(false),
  /** How often the worker queues case events left in the webhook outbox (Redis refused their job, or a process stopped). */
  WEBHOOK_OUTBOX_RELAY_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
};

export interface WebhookSettings {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
  disableAfterFailures: number;
  policy: { allowHttp: boolean; allowPrivate: boolean };
}

type WebhookEnv = { NODE_ENV: string } & { [K in keyof typeof webhookEnvShape]: z.infer<(typeof webhookEnvShape)[K]> };

export function webhookSettingsOf(c: WebhookEnv): WebhookSettings {
  const production = c.NODE_ENV === 'production';
  return {
    attempts: c.WEBHOOK_ATTEMPTS,
    backoffMs: c.WEBHOOK_BACKOFF_MS,
    timeoutMs: c.WEBHOOK_TIMEOUT_MS,
    disableAfterFailures: c.WEBHOOK_DISABLE_AFTER_FAILURES,
    policy: { allowHttp: !production, allowPrivate: !production || c.WEBHOOK_ALLOW_PRIVATE_TARGETS },
  };
}
