import { z } from 'zod';
import { ConfigError, commonEnvSchema, envBoolean, parseEnv } from './env';

/**
 * One IMAP mailbox the poller watches. With MAIL_MAILBOXES unset there is one mailbox,
 * `support`, read from IMAP_HOST, IMAP_PORT, …; with MAIL_MAILBOXES=support,sales each name
 * reads IMAP_<NAME>_HOST, IMAP_<NAME>_PORT, … (NAME upper-cased). Passwords only from the environment.
 */
export interface MailboxConfig {
  /** Short stable name: part of every idempotency key, so never rename a mailbox in use. */
  name: string;
  host: string;
  port: number;
  /** TLS from the start (993); false = STARTTLS when offered (or plain on loopback test servers). */
  secure: boolean;
  /** Refuse to log in unless the connection is encrypted (default on, except for 127.0.0.1/localhost). */
  requireTls: boolean;
  user: string;
  password: string;
  folder: string;
  /** What happens to a message once its envelope is durable: mark it \Seen, or move it to a folder. */
  processed: { action: 'seen' } | { action: 'move'; folder: string };
  quarantineFolder: string;
  /** Our own address on this mailbox: mail from it is never taken in (loop guard). */
  address?: string;
}

const mailboxEnvSchema = z.object({
  HOST: z.string().min(1, 'required'),
  PORT: z.coerce.number().int().min(1).max(65535).default(993),
  SECURE: envBoolean(true),
  REQUIRE_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  USER: z.string().min(1, 'required'),
  PASSWORD: z.string().min(1, 'required'),
  FOLDER: z.string().min(1).default('INBOX'),
  /** `seen` or `move:<folder>`. */
  PROCESSED: z
    .string()
    .regex(/^(seen|move:.+)$/, 'seen, or move:<folder>')
    .default('seen'),
  QUARANTINE_FOLDER: z.string().min(1).default('Quarantine'),
  ADDRESS: z.email().optional(),
});

const mailPollerEnvSchema = commonEnvSchema.extend({
  MAIL_MAILBOXES: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,30}(,[a-z][a-z0-9_-]{0,30})*$/, 'comma-separated lower-case names')
    .optional(),
  /** /healthz, /readyz and /metrics of the poller (0 = any free port). */
  MAIL_POLLER_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  MAIL_POLLER_HOST: z.string().default('127.0.0.1'),
  /** Poll this often even while IDLE (some servers never push), and always when IDLE is missing. */
  MAIL_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Restart IDLE at least this often (RFC 2177 asks for < 29 min; many servers drop earlier). */
  MAIL_IDLE_MAX_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(29 * 60_000)
    .default(5 * 60_000),
  /** The per-mailbox lock: one poller holds each mailbox, renewing every third of this. */
  MAIL_LOCK_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  MAIL_RECONNECT_MIN_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  MAIL_RECONNECT_MAX_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Consecutive failed sessions before a mailbox is reported unhealthy (it keeps trying). */
  MAIL_UNHEALTHY_AFTER: z.coerce.number().int().min(1).max(1000).default(3),
  /** Messages whose headers are fetched and decided together (one checkpoint step). */
  MAIL_HEADER_BATCH: z.coerce.number().int().min(1).max(5000).default(200),
  /** Bodies fetched at once: at most this many messages and … */
  MAIL_BODY_BATCH: z.coerce.number().int().min(1).max(1000).default(25),
  /** … at most this many bytes, so memory stays bounded whatever the backlog. */
  MAIL_BODY_BATCH_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  /** Larger messages are quarantined and the sender told why (MongoDB documents stay below 16 MB). */
  MAIL_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(15 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** IMAP socket inactivity limit. */
  MAIL_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  CASE_NUMBER_PREFIX: z
    .string()
    .regex(/^[A-Z]{1,4}$/, '1–4 capital letters')
    .default('KN'),
  INTAKE_IDEMPOTENCY_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  INTAKE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type MailPollerConfig = z.infer<typeof mailPollerEnvSchema> & { mailboxes: MailboxConfig[] };

export function loadMailPollerConfig(env: NodeJS.ProcessEnv = process.env): MailPollerConfig {
  const base = parseEnv(mailPollerEnvSchema, env);
  const names = base.MAIL_MAILBOXES ? base.MAIL_MAILBOXES.split(',') : ['support'];
  const problems: string[] = [];
  const mailboxes: MailboxConfig[] = [];
  for (const name of names) {
    const prefix = base.MAIL_MAILBOXES ? `IMAP_${name.toUpperCase().replace(/-/g, '_')}_` : 'IMAP_';
    const raw = Object.fromEntries(Object.keys(mailboxEnvSchema.shape).map((k) => [k, env[prefix + k]]));
    const parsed = mailboxEnvSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`));
      continue;
    }
    const m = parsed.data;
    const loopback = m.HOST === '127.0.0.1' || m.HOST === 'localhost' || m.HOST === '::1';
    const requireTls = m.REQUIRE_TLS === undefined ? !loopback : m.REQUIRE_TLS === 'true' || m.REQUIRE_TLS === '1';
    mailboxes.push({
      name,
      host: m.HOST,
      port: m.PORT,
      secure: m.SECURE,
      requireTls,
      user: m.USER,
      password: m.PASSWORD,
      folder: m.FOLDER,
      processed: m.PROCESSED === 'seen' ? { action: 'seen' } : { action: 'move', folder: m.PROCESSED.slice(5) },
      quarantineFolder: m.QUARANTINE_FOLDER,
      ...(m.ADDRESS ? { address: m.ADDRESS.toLowerCase() } : {}),
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...base, mailboxes };
}
