/**
 * The one test stack every app's tests use: the real gateway, workers and mail poller, in-process,
 * on an isolated MongoDB database and BullMQ prefix of the shared local services, with (for mail)
 * a Dovecot and an SMTP sink of the stack's own.
 *
 * Why the apps are loaded with `await import('@cg/…')`: the apps are workspaces whose entry
 * module (src/index.ts) exports their `start…()` function; main.ts stays the process entry. The
 * dependency goes one way only: @cg/testing → apps (their tsconfig, which builds src only, never
 * references @cg/testing; their tests are type-checked by tsconfig.check.json, outside `tsc -b`),
 * so the project references stay acyclic. An app's code (express, socket.io, every route and
 * job) is loaded only when a stack starts it, not by every `import { waitFor } from '@cg/testing'`
 * in package tests and benches.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { pino, type Logger } from 'pino';
import type { RunningGateway } from '@cg/gateway';
import type { RunningMailPoller } from '@cg/mail-poller';
import type { RunningWorkers } from '@cg/worker';
import { commonEnvSchema, loadGatewayConfig, loadMailOutboundConfig, loadMailPollerConfig, loadWorkerConfig } from '@cg/config';
import type { StaffRole } from '@cg/contracts';
import { hashPassword } from '@cg/core';
import { openDatabase, type Database } from '@cg/db';
import { createRedisConnection } from '@cg/queue';
import { TestDovecot } from './dovecot';
import { requestJson, type TestRequestInit, type TestResponse } from './http-client';
import { isolatedEnv, removeRedisKeys } from './isolated-env';
import { SmtpSink } from './smtp-sink';

export const TEST_PASSWORD = 'correct-horse-battery';

/**
 * One argon2id hash of TEST_PASSWORD per test process, shared by every account tokenFor() makes:
 * each hash costs 64 MiB and about a second of CPU (several on a loaded machine), and a suite's
 * beforeAll made one per role. Sign-in still verifies it for real.
 */
let testPasswordHash: Promise<string> | undefined;

/** Fast mail settings for tests: short polls, locks and backoff. */
export const FAST_MAIL_ENV: Readonly<Record<string, string>> = {
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

/** The mailbox name the poller gives the test Dovecot's INBOX (the default single mailbox). */
export const TEST_MAILBOX = 'support';

export interface TestStackOptions {
  /** The gateway, in-process (default true). */
  gateway?: boolean;
  /** The workers (intake, deadlines, outbound), in-process (default true). */
  worker?: boolean;
  /** A Dovecot and an SMTP sink of the stack's own, and fast mail settings (default: when `mailPoller`). */
  mail?: boolean;
  /** Only an SMTP sink of the stack's own as SMTP_URL (default: when `mail`). */
  smtp?: boolean;
  /** The mail poller, in-process (default false; implies `mail`). */
  mailPoller?: boolean;
  /** Environment over the isolated one (database, prefix, loopback port 0, mail settings). */
  env?: Record<string, string>;
}

export type QueueCounts = Record<'waiting' | 'active' | 'completed' | 'failed' | 'delayed', number>;

const ROOT = join(__dirname, '../../..');
const POLLER_MAIN = join(ROOT, 'apps/mail-poller/dist/main.js');

const logger = (): Logger => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const urlOf = (gateway: RunningGateway): string => `http://127.0.0.1:${(gateway.server.address() as { port: number }).port}`;

/** Makes close() safe to call twice (a test may stop a node the stack closes again at the end). */
function closeOnce<T extends { close(): Promise<void> }>(running: T): T {
  let closing: Promise<void> | undefined;
  const close = running.close.bind(running);
  return Object.assign(running, { close: () => (closing ??= close()) });
}

export class TestStack {
  gateway?: RunningGateway;
  workers?: RunningWorkers;
  poller?: RunningMailPoller;
  /** stderr of pollers started with spawnPoller(). */
  readonly childErrors: string[] = [];
  private readonly tokens = new Map<string, string>();
  /** Everything started, closed by close() (each close() runs once, whoever calls it first). */
  private readonly gateways = new Set<RunningGateway>();
  private readonly pollers = new Set<RunningMailPoller>();
  private readonly extraWorkers = new Set<RunningWorkers>();
  private readonly children = new Set<ChildProcess>();

  private constructor(
    readonly env: NodeJS.ProcessEnv,
    /** The stack's own connection to its database (works with or without the gateway). */
    readonly db: Database,
    private readonly imap?: TestDovecot,
    private readonly sink?: SmtpSink,
  ) {}

  /** The stack's Dovecot (with `mail` or `mailPoller`). */
  get dovecot(): TestDovecot {
    if (!this.imap) throw new Error('the stack was started without mail');
    return this.imap;
  }

  /** The stack's SMTP sink: every mail the workers send (with `smtp`, `mail` or `mailPoller`). */
  get smtp(): SmtpSink {
    if (!this.sink) throw new Error('the stack was started without an SMTP sink');
    return this.sink;
  }

  static async start(opts: TestStackOptions = {}): Promise<TestStack> {
    const withMail = opts.mail ?? opts.mailPoller ?? false;
    const dovecot = withMail ? await TestDovecot.start() : undefined;
    const smtp = withMail || opts.smtp ? await SmtpSink.start() : undefined;
    const env = isolatedEnv({
      ...(dovecot ? { ...FAST_MAIL_ENV, ...dovecot.env() } : {}),
      ...(smtp ? { SMTP_URL: smtp.url } : {}),
      ...opts.env,
    });
    const db = await openDatabase(env.MONGODB_URI!, { autoIndex: true });
    const stack = new TestStack(env, db, dovecot, smtp);
    try {
      if (opts.worker !== false) await stack.startWorkers();
      if (opts.gateway !== false) stack.gateway = await stack.startGateway();
      if (opts.mailPoller) await stack.startPoller();
    } catch (err) {
      await stack.close();
      throw err;
    }
    return stack;
  }

  get redisUrl(): string {
    return commonEnvSchema.parse(this.env).REDIS_URL;
  }

  get prefix(): string {
    return this.env.QUEUE_PREFIX!;
  }

  /** http://127.0.0.1:port of the stack's gateway. */
  get url(): string {
    if (!this.gateway) throw new Error('the stack was started without the gateway');
    return urlOf(this.gateway);
  }

  /**
   * A gateway on the stack's database and prefix (the stack's own, or another node for livechat
   * across nodes and restarts). The stack closes it at the end unless the test did.
   */
  async startGateway(extraEnv: Record<string, string> = {}): Promise<RunningGateway> {
    const { startGateway } = await import('@cg/gateway');
    const node = closeOnce(await startGateway(loadGatewayConfig({ ...this.env, ...extraEnv }), logger()));
    this.gateways.add(node);
    return node;
  }

  /** The workers (started by default); the stack closes them at the end. */
  async startWorkers(extraEnv: Record<string, string> = {}): Promise<RunningWorkers> {
    if (this.workers) throw new Error('the workers are running already');
    const { startWorkers } = await import('@cg/worker');
    const env = { ...this.env, ...extraEnv };
    this.workers = closeOnce(await startWorkers(loadWorkerConfig(env), logger(), { mail: loadMailOutboundConfig(env) }));
    return this.workers;
  }

  /** Another worker process's set of workers on the stack's database and prefix (scale-out tests); the stack closes it at the end. */
  async startExtraWorkers(extraEnv: Record<string, string> = {}): Promise<RunningWorkers> {
    const { startWorkers } = await import('@cg/worker');
    const env = { ...this.env, ...extraEnv };
    const workers = closeOnce(await startWorkers(loadWorkerConfig(env), logger(), { mail: loadMailOutboundConfig(env) }));
    this.extraWorkers.add(workers);
    return workers;
  }

  /** The mail poller, in-process; stopPoller() or close() stops it. */
  async startPoller(extraEnv: Record<string, string> = {}): Promise<RunningMailPoller> {
    if (this.poller) throw new Error('a poller is running already: stopPoller() first, or startExtraPoller()');
    this.poller = await this.startExtraPoller(extraEnv);
    return this.poller;
  }

  /** A second poller on the same mailbox (lock tests); the stack closes it at the end unless the test did. */
  async startExtraPoller(extraEnv: Record<string, string> = {}): Promise<RunningMailPoller> {
    const { startMailPoller } = await import('@cg/mail-poller');
    const env = { ...this.env, ...extraEnv };
    const poller = closeOnce(await startMailPoller(loadMailPollerConfig(env), loadMailOutboundConfig(env), logger()));
    this.pollers.add(poller);
    return poller;
  }

  async stopPoller(): Promise<void> {
    const poller = this.poller;
    this.poller = undefined;
    await poller?.close();
  }

  /** The poller as its own process (`node apps/mail-poller/dist/main.js`, built by `tsc -b`); close() kills it if still running. */
  spawnPoller(extraEnv: Record<string, string> = {}): ChildProcess {
    if (!existsSync(POLLER_MAIN)) throw new Error(`${POLLER_MAIN} is missing: run \`npx tsc -b\` (npm test does) before this test`);
    const child = spawn(process.execPath, [POLLER_MAIN], {
      cwd: dirname(POLLER_MAIN),
      env: { ...this.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => this.childErrors.push(d.toString()));
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  api(path: string, init: TestRequestInit = {}): Promise<TestResponse> {
    return requestJson(this.url, path, init);
  }

  /** Creates (once) a staff account with this role and returns a bearer token for it. */
  async tokenFor(role: StaffRole, department?: string): Promise<string> {
    const key = `${role}:${department ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const email = `${role}.${department ?? 'all'}@test.local`;
    await this.db.staffUsers.create({
      email,
      displayName: `Test ${role}`,
      passwordHash: await (testPasswordHash ??= hashPassword(TEST_PASSWORD)),
      role,
      ...(department ? { department } : {}),
    });
    const res = await this.api('/api/v1/auth/login', { method: 'POST', json: { email, password: TEST_PASSWORD } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    const token = (res.body as { token: string }).token;
    this.tokens.set(key, token);
    return token;
  }

  /** Job counts of one of the stack's queues. */
  async queueCounts(name: string): Promise<QueueCounts> {
    const redis = createRedisConnection(this.redisUrl, 'worker');
    const queue = new Queue(name, { connection: redis, prefix: this.prefix });
    try {
      const c = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      return {
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        delayed: c.delayed ?? 0,
      };
    } finally {
      await queue.close();
      redis.disconnect();
    }
  }

  /** The record of an email in the test mailbox, by its message key (Message-ID). */
  mailRecord(messageKey: string) {
    return this.db.mailMessages.find(TEST_MAILBOX, messageKey);
  }

  /** The case (if any) made from the email with this Message-ID. */
  async caseOf(messageId: string) {
    const mail = await this.mailRecord(messageId);
    return mail?.caseNumber ? this.db.cases.findByCaseNumber(mail.caseNumber) : null;
  }

  /** Stops everything the stack started and removes its database and Redis keys. */
  async close(): Promise<void> {
    for (const child of this.children) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await this.stopPoller().catch(() => undefined);
    for (const p of this.pollers) await p.close().catch(() => undefined);
    for (const g of this.gateways) await g.close().catch(() => undefined);
    await this.workers?.close().catch(() => undefined);
    for (const w of this.extraWorkers) await w.close().catch(() => undefined);
    await this.db.connection.dropDatabase().catch(() => undefined);
    await this.db.close().catch(() => undefined);
    await this.sink?.close().catch(() => undefined);
    await this.imap?.destroy();
    await removeRedisKeys(this.redisUrl, this.prefix);
  }
}

/** `TestStack.start(opts)`. */
export const startTestStack = (opts: TestStackOptions = {}): Promise<TestStack> => TestStack.start(opts);
