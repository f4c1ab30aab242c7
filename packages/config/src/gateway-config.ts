import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LIVECHAT_DEFAULT_LIMITS, LIVECHAT_MAX_TEXT_CHARS } from '@cg/contracts';
import { commonEnvSchema, parseEnv, requireInProduction } from './env';
import { loadLetterSigningConfig, type LetterSigningConfig } from './letter-signing-config';
import { loadMailOutboundConfig, type MailOutboundConfig } from './mail-outbound-config';
import { postalEnvShape } from './postal-config';
import { webhookEnvShape } from './webhook-config';
import { intakePublisherEnvShape } from './intake-publisher-config';
import { surveyEnvShape } from './survey-config';

const gatewayEnvSchema = commonEnvSchema.extend({
  ...postalEnvShape,
  ...surveyEnvShape,
  ...webhookEnvShape,
  ...intakePublisherEnvShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Public URL printed at start-up and used in links. */
  PUBLIC_URL: z.url().optional(),
  /** HMAC secret for staff bearer tokens; required in production (at least 32 characters). */
  AUTH_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  AUTH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(8 * 3600),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  TRUST_PROXY: z.string().optional(),
  /** Bearer token Prometheus sends for the gateway's /metrics; without it /metrics is open outside production and absent in production. */
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'at least 16 characters').optional()),
  /** Idle minutes after which a console session (cookie of server-rendered pages like /admin/queues) ends; each request renews it. */
  CONSOLE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(480).default(30),
  // Livechat (apps/gateway/src/livechat): limits per visitor, per IP and per connection.
  LIVECHAT_MAX_MESSAGE_CHARS: z.coerce
    .number()
    .int()
    .min(100)
    .max(LIVECHAT_MAX_TEXT_CHARS)
    .default(LIVECHAT_DEFAULT_LIMITS.maxMessageChars),
  LIVECHAT_MESSAGES_PER_MINUTE_PER_VISITOR: z.coerce.number().int().min(1).default(30),
  LIVECHAT_MESSAGES_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).default(300),
  LIVECHAT_SESSIONS_PER_HOUR_PER_IP: z.coerce.number().int().min(1).default(30),
  LIVECHAT_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(50),
  LIVECHAT_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(15 * 1024 * 1024)
    .default(LIVECHAT_DEFAULT_LIMITS.uploadMaxBytes),
  LIVECHAT_UPLOADS_PER_HOUR_PER_VISITOR: z.coerce.number().int().min(1).default(20),
  /** Chat uploads one visitor may send at once, and all visitors on one gateway node (more: 429 / 503 before reading). */
  LIVECHAT_UPLOADS_IN_FLIGHT_PER_VISITOR: z.coerce.number().int().min(1).max(100).default(1),
  LIVECHAT_UPLOADS_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(16),
  LIVECHAT_VISITOR_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How long a dropped socket can come back with its missed events (connection-state recovery). */
  LIVECHAT_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  /**
   * Sites allowed to embed the chat (CSP frame-ancestors) besides the gateway itself,
   * space-separated; empty (the default): the gateway's own origin only. `*` for any site.
   */
  LIVECHAT_EMBED_ORIGINS: z.string().default(''),
});

/** What the gateway needs of the email settings: staff answers carry our signed Message-IDs. */
export type GatewayMailSettings = Pick<MailOutboundConfig, 'MAIL_MESSAGE_ID_SECRET' | 'MAIL_MESSAGE_ID_DOMAIN'>;

export type GatewayConfig = Omit<z.infer<typeof gatewayEnvSchema>, 'AUTH_TOKEN_SECRET'> & {
  AUTH_TOKEN_SECRET: string;
  authSecretIsEphemeral: boolean;
  /**
   * Email settings read at start with the rest, or why they are unusable: a gateway without
   * them still starts, and only email answers are refused (503 naming the problem).
   */
  mail: { settings: GatewayMailSettings } | { problem: string };
  /** Written answers: the signing certificate and the letterhead (required in production). */
  letters: LetterSigningConfig;
};

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = parseEnv(requireInProduction(gatewayEnvSchema, ['AUTH_TOKEN_SECRET']), env);
  // Outside production an unset secret gets a random one: tokens then last as long as the process.
  const secret = parsed.AUTH_TOKEN_SECRET ?? randomBytes(32).toString('hex');
  return {
    ...parsed,
    AUTH_TOKEN_SECRET: secret,
    authSecretIsEphemeral: !parsed.AUTH_TOKEN_SECRET,
    mail: gatewayMailSettings(env),
    letters: loadLetterSigningConfig(env),
  };
}

function gatewayMailSettings(env: NodeJS.ProcessEnv): GatewayConfig['mail'] {
  try {
    const { MAIL_MESSAGE_ID_SECRET, MAIL_MESSAGE_ID_DOMAIN } = loadMailOutboundConfig(env);
    return { settings: { MAIL_MESSAGE_ID_SECRET, MAIL_MESSAGE_ID_DOMAIN } };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}
