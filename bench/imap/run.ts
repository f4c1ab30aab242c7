/**
 * IMAP intake benchmark (`npm run bench:imap`): a Dovecot of its own (scripts/dovecot.sh) with a
 * backlog APPENDed before the poller starts, then the poller as its own process, from the build.
 * Reports, per backlog size (BENCH_IMAP_SIZES, default 1000,3000):
 *  - seconds from the poller's start until every message is durable in the intake queue,
 *  - messages per second over that time,
 *  - the poller's peak resident memory (VmHWM), to show it does not grow with the backlog.
 * No workers run: this measures the channel adapter. Loopback only. JSON summary on the last line.
 * Each run is also checked, as the integration tests check smaller backlogs: every message
 * durable exactly once, acknowledged (\Seen) on the server, and the checkpoint at the last UID.
 * BENCH_POLLER_MAX_OLD_SPACE_MB=64 runs the poller with a capped heap (bounded-memory check).
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { commonEnvSchema } from '@cg/config';
import { openDatabase } from '@cg/db';
import { freePort, isolatedEnv, removeRedisKeys, waitFor } from '@cg/testing';

const ROOT = join(__dirname, '../../..');
const SIZES = (process.env.BENCH_IMAP_SIZES ?? '1000,3000').split(',').map(Number);
const run = promisify(execFile);

function message(i: number, runId: string): string {
  const b = `b-${runId}-${i}`;
  const text = Buffer.from(
    `Kính gửi CSKH,\nTên miền khachhang${i}.vn không truy cập được từ sáng nay. Tôi đã thanh toán gia hạn tuần trước.\nXin cảm ơn.`,
  ).toString('base64');
  const html = Buffer.from(`<p>Tên miền <b>khachhang${i}.vn</b> không truy cập được.</p><script>x()</script>`).toString('base64');
  const attachment =
    i % 10 === 0
      ? [
          `--${b}`,
          'Content-Type: application/pdf; name="hoa-don.pdf"',
          'Content-Disposition: attachment; filename="hoa-don.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.alloc(20_000, i % 256)
            .toString('base64')
            .replace(/(.{76})/g, '$1\r\n'),
        ]
      : [];
  return [
    `From: =?UTF-8?B?${Buffer.from(`Khách hàng ${i}`).toString('base64')}?= <kh${i}@bench.example>`,
    'To: support@tenten.test',
    `Subject: =?UTF-8?B?${Buffer.from(`Tên miền số ${i} lỗi`).toString('base64')}?=`,
    `Message-ID: <${runId}.${i}@bench.example>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    `Content-Type: multipart/alternative; boundary="${b}-alt"`,
    '',
    `--${b}-alt`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    text,
    `--${b}-alt`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    html,
    `--${b}-alt--`,
    ...attachment,
    `--${b}--`,
    '',
  ].join('\r\n');
}

async function benchOnce(size: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-imap-'));
  const port = await freePort();
  const password = randomUUID();
  await run('bash', [join(ROOT, 'scripts/dovecot.sh'), 'start', '--dir', dir, '--port', String(port), '--password', password]);
  const env = isolatedEnv({
    IMAP_HOST: '127.0.0.1',
    IMAP_PORT: String(port),
    IMAP_SECURE: 'false',
    IMAP_USER: 'support',
    IMAP_PASSWORD: password,
    MAIL_POLLER_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6390', { maxRetriesPerRequest: null });
  const queue = new Queue('intake', { connection: redis, prefix: env.QUEUE_PREFIX! });
  try {
    const runId = randomUUID().slice(0, 8);
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'support', pass: password }, logger: false });
    await client.connect();
    const appendStarted = performance.now();
    let bytes = 0;
    for (let i = 0; i < size; i++) {
      const m = message(i, runId);
      bytes += m.length;
      await client.append('INBOX', m);
    }
    const appendSeconds = (performance.now() - appendStarted) / 1000;
    await client.logout();

    const started = performance.now();
    // BENCH_POLLER_MAX_OLD_SPACE_MB caps the poller's heap: if it still finishes, what RSS shows above it is garbage not yet collected, not a leak.
    const heapCap = process.env.BENCH_POLLER_MAX_OLD_SPACE_MB ? [`--max-old-space-size=${process.env.BENCH_POLLER_MAX_OLD_SPACE_MB}`] : [];
    const child = spawn(process.execPath, [...heapCap, join(ROOT, 'apps/mail-poller/dist/main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let firstDurable = 0;
    const rssSamples: number[] = [];
    const sampler = setInterval(() => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) rssSamples.push(Number(m[1]) * 1024);
    }, 100);
    let peak = 0;
    let durableAt = 0;
    try {
      await waitFor(
        `${size} intake jobs`,
        async () => {
          const c = await queue.getJobCounts('waiting', 'active', 'completed', 'delayed', 'failed');
          const n = Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
          if (n > 0 && !firstDurable) firstDurable = performance.now();
          return n >= size;
        },
        { timeoutMs: 600_000, intervalMs: 50 },
      );
      durableAt = performance.now();
      peak = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      await verify(size, { port, password, env, queue });
    } finally {
      clearInterval(sampler);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const seconds = (durableAt - started) / 1000;
    const steadySeconds = (durableAt - (firstDurable || started)) / 1000;
    return {
      messages: size,
      mailboxMB: Math.round(bytes / 1e5) / 10,
      appendSeconds: round(appendSeconds),
      secondsUntilAllDurable: round(seconds),
      messagesPerSecond: Math.round(size / seconds),
      messagesPerSecondAfterFirst: Math.round(size / steadySeconds),
      pollerPeakRssMB: round(peak / 1048576),
      pollerMedianRssMB: round((rssSamples.sort((a, b) => a - b)[Math.floor(rssSamples.length / 2)] ?? 0) / 1048576),
    };
  } finally {
    await queue.close();
    redis.disconnect();
    const db = await openDatabase(env.MONGODB_URI!, { autoIndex: false });
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await removeRedisKeys(commonEnvSchema.parse(env).REDIS_URL, env.QUEUE_PREFIX!);
    await run('bash', [join(ROOT, 'scripts/dovecot.sh'), 'stop', '--dir', dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

/** The backlog was taken in exactly once and acknowledged: throws (failing the bench) otherwise. */
async function verify(
  size: number,
  { port, password, env, queue }: { port: number; password: string; env: NodeJS.ProcessEnv; queue: Queue },
): Promise<void> {
  const c = await queue.getJobCounts('waiting', 'active', 'completed', 'delayed', 'failed');
  const jobs = Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
  if (jobs !== size) throw new Error(`${jobs} intake jobs for ${size} messages`);
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'support', pass: password }, logger: false });
  await client.connect();
  try {
    await waitFor(
      'every message to be acknowledged (\\Seen)',
      async () => {
        const status = await client.status('INBOX', { unseen: true });
        return status !== false && status.unseen === 0;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } finally {
    await client.logout();
  }
  const db = await openDatabase(env.MONGODB_URI!, { autoIndex: false });
  try {
    const keys = new Set(await db.mailMessages.model.distinct('messageKey'));
    if (keys.size !== size || (await db.mailMessages.count({})) !== size)
      throw new Error(`${keys.size} distinct mail records for ${size} messages`);
    const checkpoint = await db.mailCheckpoints.get('support', 'INBOX');
    if (checkpoint?.lastUid !== size) throw new Error(`checkpoint at UID ${checkpoint?.lastUid} after ${size} messages`);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const results = [];
  for (const size of SIZES) {
    const r = await benchOnce(size);
    results.push(r);
    console.log(
      `${r.messages} messages (${r.mailboxMB} MB): all durable in the intake queue ${r.secondsUntilAllDurable} s after the poller started → ${r.messagesPerSecond} msg/s (${r.messagesPerSecondAfterFirst} msg/s after the first); poller peak RSS ${r.pollerPeakRssMB} MB (median ${r.pollerMedianRssMB} MB)`,
    );
  }
  console.log(JSON.stringify({ bench: 'imap', machine: { cpus: cpus().length, memGB: Math.round(totalmem() / 2 ** 30) }, results }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
