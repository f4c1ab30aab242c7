import { z } from 'zod';
import { ConfigError, commonEnvSchema, parseEnv, requireInProduction } from './env';
import { demoMode, demoSecret } from './demo-secrets';

const mailOutboundEnvSchema = commonEnvSchema.extend({
  /** The SMTP relay, e.g. smtp://user:pass@relay:587 or smtps://relay:465. */
  SMTP_URL: z.url().default('smtp://127.0.0.1:2525'),
  /** Sender of receipts and answers: the support mailbox customers reply to. */
  MAIL_FROM: z.string().min(3).default('Chăm sóc khách hàng <hotrokhachhang@localhost>'),
  /**
   * HMAC secret of our Message-IDs (replies are matched by it); required, except in a demo
   * (CG_DEMO=1 outside production: a random one kept in .data).
   */
  MAIL_MESSAGE_ID_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  /** Right-hand side of our Message-IDs; default: the MAIL_FROM domain. */
  MAIL_MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/)
    .optional(),
  /** Automatic messages (receipts, notices) to one address per hour; more are suppressed (no mail loops). */
  MAIL_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  /** A customer reply to a case closed less than this many days ago reopens it; later ones open a new case. */
  MAIL_REOPEN_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  OUTBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** How often the worker's pending mail relay looks for `mail_outbound` rows left pending (staff replies written by the gateway). */
  MAIL_OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(20_000),
});

export type MailOutboundConfig = Omit<z.infer<typeof mailOutboundEnvSchema>, 'MAIL_MESSAGE_ID_SECRET' | 'MAIL_MESSAGE_ID_DOMAIN'> & {
  MAIL_MESSAGE_ID_SECRET: string;
  MAIL_MESSAGE_ID_DOMAIN: string;
  /** The bare address of MAIL_FROM. */
  fromAddress: string;
  /** The secret is the demo's own (CG_DEMO=1, kept in .data), not one set for this deployment. */
  messageIdSecretIsDefault: boolean;
};

export function loadMailOutboundConfig(env: NodeJS.ProcessEnv = process.env): MailOutboundConfig {
  const parsed = parseEnv(requireInProduction(mailOutboundEnvSchema, ['MAIL_MESSAGE_ID_SECRET']), env);
  // No public default: anyone knowing it could sign Message-IDs that join any case.
  if (!parsed.MAIL_MESSAGE_ID_SECRET && !demoMode(env)) {
    throw new ConfigError([
      'MAIL_MESSAGE_ID_SECRET: required (at least 16 random characters); for a local demo set CG_DEMO=1 to keep a random one in .data',
    ]);
  }
  const fromAddress = (/<([^<>\s]+@[^<>\s]+)>/.exec(parsed.MAIL_FROM)?.[1] ?? parsed.MAIL_FROM).trim().toLowerCase();
  return {
    ...parsed,
    MAIL_MESSAGE_ID_SECRET: parsed.MAIL_MESSAGE_ID_SECRET ?? demoSecret(env, 'mail-message-id-secret'),
    MAIL_MESSAGE_ID_DOMAIN: parsed.MAIL_MESSAGE_ID_DOMAIN ?? (fromAddress.split('@')[1] || 'localhost'),
    fromAddress,
    messageIdSecretIsDefault: !parsed.MAIL_MESSAGE_ID_SECRET,
  };
}
