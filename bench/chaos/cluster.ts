/**
 * The system under fault: the gateway, the worker and the mail poller as real processes
 * (`node apps/<app>/dist/main.js`, as scripts/start.sh runs them) under a restart loop like
 * scripts/supervise.sh's, on services of the run's own that it may crash: a scratch Redis with
 * AOF, a FerretDB process of its own (SQLite in a scratch directory, or PostgreSQL in a database
 * of its own on the local cluster), a Dovecot and an SMTP sink. The shared services other
 * tests use are never touched.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FAST_MAIL_ENV, freePort, ScratchRedis, SmtpSink, TestDovecot, waitFor } from '@cg/testing';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
/** bench/chaos (ts-jest / swc) or bench/dist/chaos (tsc -b): the repository root either way. */
const REPO = existsSync(join(ROOT, 'package.json')) ? ROOT : join(ROOT, '..');
const PG_BIN = '/usr/lib/postgresql/15/bin';

export type ProcessName = 'gateway' | 'worker' | 'mail-poller';
const MAINS: Record<ProcessName, string> = {
  gateway: 'apps/gateway/dist/main.js',
  worker: 'apps/worker/dist/main.js',
  'mail-poller': 'apps/mail-poller/dist/main.js',
};

export interface ClusterOptions {
  /** FerretDB's storage: sqlite (a scratch directory) or postgresql (database `chaos` on LOCAL_POSTGRES_PORT). */
  ferretBackend: 'sqlite' | 'postgresql';
  /** Delay before a killed process is started again (supervise.sh waits 1 s). */
  restartDelayMs: number;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Where the processes' stderr goes (default: kept in memory, last lines shown on failure). */
  log?: (line: string) => void;
}

/** A process under the restart loop: killed by the run, started again after the delay. */
class Supervised {
  child?: ChildProcess;
  starts = 0;
  exits: Array<{ at: number; code: number | null; signal: string | null }> = [];
  private stopping = false;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly name: ProcessName,
    private readonly env: NodeJS.ProcessEnv,
    private readonly restartDelayMs: number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    const child = spawn(process.execPath, [join(REPO, MAINS[this.name])], {
      cwd: REPO,
      env: this.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.starts += 1;
    this.child = child;
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) this.log(`[${this.name}] ${line}`);
    });
    child.once('exit', (code, signal) => {
      this.exits.push({ at: Date.now(), code, signal });
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      this.timer = setTimeout(() => this.start(), this.restartDelayMs);
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL, as a crash or the OOM killer would; the loop starts it again. Returns the pid killed. */
  kill(): number | undefined {
    const pid = this.child?.pid;
    this.child?.kill('SIGKILL');
    return pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** The FerretDB binary scripts/services.sh built (cached in .data/bin per version of tools/ferretdb). */
function ferretBinary(): string {
  const dir = join(REPO, '.data/bin');
  const found = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^ferretdb-v1\.24\.2-[0-9a-f]{12}$/.test(f))
        .map((f) => join(dir, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (!found[0]) throw new Error(`no FerretDB binary in ${dir}: run \`npm run services\` once (it builds it)`);
  return found[0];
}

/** A FerretDB process of the run's own that it may kill and start again (its storage stays). */
class OwnFerretDb {
  private proc?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly args: string[],
    private readonly dir: string,
  ) {}

  static async start(backend: 'sqlite' | 'postgresql', dir: string): Promise<OwnFerretDb> {
    const port = await freePort();
    const args = ['--listen-addr', `127.0.0.1:${port}`, '--handler', backend];
    if (backend === 'sqlite') args.push('--sqlite-url', `file:${join(dir, 'sqlite')}/`);
    else {
      // A database of our own on the local cluster (created once): the shared FerretDB's database is not touched.
      const pgPort = process.env.LOCAL_POSTGRES_PORT ?? '5433';
      const psql = (sql: string) =>
        run(`${PG_BIN}/psql`, ['-X', '-q', '-h', '127.0.0.1', '-p', pgPort, '-U', 'postgres', '-d', 'postgres', '-tA', '-c', sql]);
      const { stdout } = await psql("SELECT 1 FROM pg_database WHERE datname = 'ferretdb_chaos'");
      if (stdout.trim() !== '1') await psql('CREATE DATABASE ferretdb_chaos');
      args.push('--postgresql-url', `postgres://postgres@127.0.0.1:${pgPort}/ferretdb_chaos`);
    }
    const db = new OwnFerretDb(port, args, dir);
    await db.resume();
    return db;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async resume(): Promise<void> {
    if (this.running) return;
    this.proc = spawn(ferretBinary(), this.args, { cwd: this.dir, stdio: 'ignore' });
    await waitFor(`FerretDB on ${this.port}`, () => portOpen(this.port), { timeoutMs: 30_000, intervalMs: 100 });
  }

  async crash(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }
}

export class ChaosCluster {
  readonly processes: Record<ProcessName, Supervised>;
  /** The last lines the processes wrote to stderr (warnings and errors). */
  readonly logTail: string[] = [];

  private constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly redis: ScratchRedis,
    readonly ferret: OwnFerretDb,
    readonly dovecot: TestDovecot,
    readonly smtp: SmtpSink,
    readonly gatewayPort: number,
    private readonly scratch: string,
    opts: ClusterOptions,
  ) {
    const log = (line: string) => {
      opts.log?.(line);
      this.logTail.push(line);
      if (this.logTail.length > 400) this.logTail.shift();
    };
    const sup = (name: ProcessName) => new Supervised(name, env, opts.restartDelayMs, log);
    this.processes = { gateway: sup('gateway'), worker: sup('worker'), 'mail-poller': sup('mail-poller') };
  }

  static async start(opts: ClusterOptions): Promise<ChaosCluster> {
    for (const main of Object.values(MAINS)) {
      if (!existsSync(join(REPO, main))) throw new Error(`${main} is missing: run \`npx tsc -b\` first`);
    }
    const scratch = mkdtempSync(join(tmpdir(), 'cg-chaos-'));
    const redis = await ScratchRedis.start();
    const ferret = await OwnFerretDb.start(opts.ferretBackend, scratch);
    const dovecot = await TestDovecot.start();
    const smtp = await SmtpSink.start();
    const gatewayPort = await freePort();
    // Fixed ports across restarts, so the run can ask each process whether it is back (/readyz).
    const workerPort = await freePort();
    const pollerPort = await freePort();
    const id = randomUUID().replace(/-/g, '').slice(0, 10);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      REDIS_URL: redis.url,
      MONGODB_URI: `mongodb://127.0.0.1:${ferret.port}/chaos_${id}`,
      MONGODB_AUTO_INDEX: 'true',
      QUEUE_PREFIX: `{chaos${id}}`,
      HOST: '127.0.0.1',
      PORT: String(gatewayPort),
      AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
      MAIL_MESSAGE_ID_SECRET: randomBytes(32).toString('hex'),
      ...FAST_MAIL_ENV,
      ...dovecot.env(),
      WORKER_HEALTH_PORT: String(workerPort),
      MAIL_POLLER_PORT: String(pollerPort),
      SMTP_URL: smtp.url,
      POSTAL_STORE_DIR: join(scratch, 'scans'),
      OCR_PARALLEL_PAGES: '1',
      // Every client of the run comes from 127.0.0.1: the per-IP limits are not what is tested here.
      LIVECHAT_MAX_CONNECTIONS_PER_IP: '100000',
      LIVECHAT_SESSIONS_PER_HOUR_PER_IP: '100000',
      LIVECHAT_MESSAGES_PER_MINUTE_PER_IP: '100000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ...opts.env,
    };
    const cluster = new ChaosCluster(env, redis, ferret, dovecot, smtp, gatewayPort, scratch, opts);
    try {
      // The worker first: it builds the indexes (the unique one is the dedupe guard).
      cluster.processes.worker.start();
      cluster.processes.gateway.start();
      cluster.processes['mail-poller'].start();
      await waitFor('the gateway, the worker and the poller to be ready', () => cluster.ready(), {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      // A process that exits by itself before any fault (bad configuration) fails the run at once.
      await new Promise((r) => setTimeout(r, 3000));
      const failed = Object.values(cluster.processes).filter((p) => p.exits.length > 0);
      if (failed.length)
        throw new Error(`${failed.map((p) => p.name).join(', ')} exited at start:\n${cluster.logTail.slice(-20).join('\n')}`);
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  get url(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  get mongoUri(): string {
    return this.env.MONGODB_URI!;
  }

  get prefix(): string {
    return this.env.QUEUE_PREFIX!;
  }

  /** True when the gateway, the worker and the poller each answer /readyz (their Redis and MongoDB are up). */
  async ready(): Promise<boolean> {
    const ports = [this.gatewayPort, Number(this.env.WORKER_HEALTH_PORT), Number(this.env.MAIL_POLLER_PORT)];
    const answers = await Promise.all(
      ports.map((port) =>
        fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
          (res) => res.ok,
          () => false,
        ),
      ),
    );
    return answers.every(Boolean);
  }

  /** Redis killed (SIGKILL) and started again on its AOF after `downMs`. */
  async crashRedis(downMs: number): Promise<void> {
    await this.redis.crash();
    await new Promise((r) => setTimeout(r, downMs));
    await this.redis.resume();
  }

  /** FerretDB killed (SIGKILL) and started again on its storage after `downMs`. */
  async crashFerret(downMs: number): Promise<void> {
    await this.ferret.crash();
    await new Promise((r) => setTimeout(r, downMs));
    await this.ferret.resume();
  }

  /** Makes sure every service runs (a fault may have been cut short) and every process is up. */
  async settle(): Promise<void> {
    await this.redis.resume();
    await this.ferret.resume();
    await waitFor('every process to run again', () => Object.values(this.processes).every((p) => p.pid !== undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  }

  async close(): Promise<void> {
    for (const p of Object.values(this.processes)) await p.stop().catch(() => undefined);
    await this.smtp.close().catch(() => undefined);
    await this.dovecot.destroy().catch(() => undefined);
    // The run's database goes with its FerretDB storage (SQLite) or is dropped (PostgreSQL: by the caller).
    await this.ferret.crash().catch(() => undefined);
    await this.redis.stop().catch(() => undefined);
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
