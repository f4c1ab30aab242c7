import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadGatewayConfig, loadMailOutboundConfig, loadMailPollerConfig, loadWorkerConfig } from '@cg/config';
import type { StaffRole } from '@cg/contracts';
import { hashPassword } from '@cg/core';
import { openDatabase, type Database } from '@cg/db';
import { isolatedEnv, removeRedisKeys, requestJson, type TestRequestInit, type TestResponse } from '@cg/testing';
import { startGateway, type RunningGateway } from '../../../gateway/src/gateway';
import { startWorkers, type RunningWorkers } from '../../../worker/src/worker';
import { startMailPoller, type RunningMailPoller } from '../../src/poller';
import { TestDovecot } from './dovecot';
import { SmtpSink } from './smtp-sink';

const PASSWORD = 'correct-horse-battery';
const POLLER_MAIN = resolve(__dirname, '../../dist/main.js');

/** Fast settings for tests: short polls, locks and backoff. */
export const FAST_MAIL_ENV: Record<string, string> = {
  MAIL_POLL_INTERVAL_MS: '1000',
  MAIL_IDLE_MAX_MS: '5000',
  MAIL_LOCK_TTL_MS: '3000',
  MAIL_RECONNECT_MIN_MS: '100',
  MAIL_RECONNECT_MAX_MS: '500',
  MAIL_UNHEALTHY_AFTER: '2',
  MAIL_POLLER_PORT: '0',
  MAIL_OUTBOX_POLL_MS: '200',
  MAIL_FROM: 'CSKH Tenten <support@tenten.test>',
  IMAP_ADDRESS: 'support@tenten.test',
};

/**
 * Everything real, in-process: Dovecot and an SMTP sink of the file's own, the workers (intake
 * and outbound), optionally the gateway, and the poller (or none, for tests that spawn it).
 */
export class MailStack {
  poller?: RunningMailPoller;
  private readonly tokens = new Map<string, string>();
  private constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly dovecot: TestDovecot,
    readonly smtp: SmtpSink,
    readonly db: Database,
    readonly workers: RunningWorkers | undefined,
    readonly gateway: RunningGateway | undefined,
  ) {}

  static async start(
    opts: { env?: Record<string, string>; poller?: boolean; gateway?: boolean; workers?: boolean } = {},
  ): Promise<MailStack> {
    const dovecot = await TestDovecot.start();
    const smtp = await SmtpSink.start();
    const env = isolatedEnv({ ...FAST_MAIL_ENV, ...dovecot.env(), SMTP_URL: smtp.url, ...opts.env });
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const workers =
      opts.workers === false ? undefined : await startWorkers(loadWorkerConfig(env), logger, { mail: loadMailOutboundConfig(env) });
    const gateway = opts.gateway ? await startGateway(loadGatewayConfig(env), logger) : undefined;
    const db = await openDatabase(env.MONGODB_URI!, { autoIndex: true });
    const stack = new MailStack(env, dovecot, smtp, db, workers, gateway);
    if (opts.poller !== false) await stack.startPoller();
    return stack;
  }

  async startPoller(extra: Record<string, string> = {}): Promise<RunningMailPoller> {
    const env = { ...this.env, ...extra };
    this.poller = await startMailPoller(
      loadMailPollerConfig(env),
      loadMailOutboundConfig(env),
      pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    );
    return this.poller;
  }

  /** The poller as its own process (`node apps/mail-poller/dist/main.js`, built by `tsc -b`). */
  spawnPoller(extra: Record<string, string> = {}): ChildProcess {
    if (!existsSync(POLLER_MAIN)) throw new Error(`${POLLER_MAIN} is missing: run \`npx tsc -b\` (npm test does) before this test`);
    const child = spawn(process.execPath, [POLLER_MAIN], {
      env: { ...this.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...extra },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => this.childErrors.push(d.toString()));
    return child;
  }

  readonly childErrors: string[] = [];

  async stopPoller(): Promise<void> {
    await this.poller?.close();
    this.poller = undefined;
  }

  /** The email case (if any) created from the message with this Message-ID. */
  async caseOf(messageId: string) {
    const mail = await this.db.mailMessages.find('support', messageId);
    return mail?.caseNumber ? this.db.cases.findByCaseNumber(mail.caseNumber) : null;
  }

  async mailRecord(messageKey: string) {
    return this.db.mailMessages.find('support', messageKey);
  }

  async queueCounts(name: string) {
    const redis = new Redis(this.env.REDIS_URL ?? 'redis://127.0.0.1:6390', { maxRetriesPerRequest: null });
    const q = new Queue(name, { connection: redis, prefix: this.env.QUEUE_PREFIX! });
    try {
      return await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    } finally {
      await q.close();
      redis.disconnect();
    }
  }

  async api(path: string, init: TestRequestInit = {}): Promise<TestResponse> {
    if (!this.gateway) throw new Error('started without the gateway');
    return requestJson(`http://127.0.0.1:${(this.gateway.server.address() as { port: number }).port}`, path, init);
  }

  async tokenFor(role: StaffRole, department?: string): Promise<string> {
    const key = `${role}:${department ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const email = `${role}.${department ?? 'all'}@test.local`;
    await this.db.staffUsers.create({
      email,
      displayName: `Test ${role}`,
      passwordHash: await hashPassword(PASSWORD),
      role,
      ...(department ? { department } : {}),
    });
    const res = await this.api('/api/v1/auth/login', { method: 'POST', json: { email, password: PASSWORD } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    this.tokens.set(key, res.body.token);
    return res.body.token;
  }

  async close(): Promise<void> {
    await this.stopPoller().catch(() => undefined);
    await this.gateway?.close().catch(() => undefined);
    await this.workers?.close().catch(() => undefined);
    await this.db.connection.dropDatabase().catch(() => undefined);
    await this.db.close().catch(() => undefined);
    await this.smtp.close().catch(() => undefined);
    await this.dovecot.destroy();
    await removeRedisKeys(this.env.REDIS_URL ?? 'redis://127.0.0.1:6390', this.env.QUEUE_PREFIX!);
  }
}
