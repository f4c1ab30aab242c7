/**
 * Intake benchmark (`npm run bench:intake`): one gateway process and one worker process,
 * started from the build, on the local Redis and FerretDB. Reports
 *  - the raw BullMQ `queue.add` rate on the same Redis (the ceiling),
 *  - hotline ingest: calls/s and latency p50/p99 to the 202, with concurrent HTTP clients,
 *  - end to end: cases/s until every accepted call is a routed case in MongoDB, and the
 *    per-case time from receipt to routed (p50/p99).
 * Loopback only; bounded by BENCH_CALLS. Prints a JSON summary on the last line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { commonEnvSchema, loadWorkerConfig } from '@cg/config';
import { QUEUE_NAMES } from '@cg/contracts';
import { hashPassword } from '@cg/core';
import { openDatabase } from '@cg/db';
import { loadOrCreateDevelopmentCertificate } from '@cg/letters';
import { freePort, isolatedEnv, removeRedisKeys, waitFor } from '@cg/testing';

const CALLS = Number(process.env.BENCH_CALLS ?? 30_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RAW_ADDS = Number(process.env.BENCH_RAW_ADDS ?? 30_000);
const RAW_INSERTS = Number(process.env.BENCH_RAW_INSERTS ?? 3_000);
const ROOT = join(__dirname, '../../..');
/** The worker's intake concurrency (its default unless BENCH_WORKER_CONCURRENCY), and the raw inserts' in-flight count. */
const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? loadWorkerConfig({}).INTAKE_CONCURRENCY);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function startProcess(script: string, env: NodeJS.ProcessEnv, readyText: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn('node', [...nodeArgs, join(ROOT, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  return waitFor(`${script} to start`, () => out.includes(readyText) && child, { timeoutMs: 30_000 });
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux): the gateway's CPU per call
 * varies far less between runs than its calls per second on this shared 2-core machine.
 */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

async function rawAddRate(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-raw', { connection: redis, prefix });
  const payload = { schemaVersion: 1, channel: 'hotline', bodyText: 'x'.repeat(300), customer: { name: 'A', phone: '0900000000' } };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < RAW_ADDS) {
        const i = next++;
        await queue.add('raw', { ...payload, i }, { jobId: `raw-${i}`, removeOnComplete: true });
      }
    }),
  );
  const rate = RAW_ADDS / ((performance.now() - started) / 1000);
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  return rate;
}

/**
 * The database's own ceiling for the end-to-end figure, in the same run: copies of a case the
 * worker wrote, inserted one by one into the same collection (same indexes) with as many in
 * flight as the worker's intake concurrency.
 */
async function rawInsertRate(db: Awaited<ReturnType<typeof openDatabase>>, concurrency: number): Promise<number> {
  const cases = db.connection.collection('cases');
  const sample = await cases.findOne({}, { projection: { _id: 0 } });
  if (!sample) return NaN;
  const run = randomUUID().slice(0, 8);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < RAW_INSERTS) {
        const i = next++;
        await cases.insertOne({ ...sample, caseNumber: `RAW${run}-${i}`, idempotencyKey: `raw-${run}-${i}` });
      }
    }),
  );
  return RAW_INSERTS / ((performance.now() - started) / 1000);
}

function devCertificate(): string {
  const path = join(ROOT, '.data/dev-letter-signing.p12');
  loadOrCreateDevelopmentCertificate(path);
  return path;
}

async function main(): Promise<void> {
  const env = isolatedEnv({
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    // Production asks for the letter-signing certificate; the bench signs nothing, the development one will do.
    LETTER_SIGNING_P12_PATH: devCertificate(),
    AUTH_TOKEN_SECRET: randomUUID() + randomUUID(),
    MONGODB_AUTO_INDEX: 'true',
    MAIL_MESSAGE_ID_SECRET: randomUUID() + randomUUID(),
  });
  const { REDIS_URL, MONGODB_URI, QUEUE_PREFIX } = commonEnvSchema.parse(env);
  const port = await freePort();
  const db = await openDatabase(MONGODB_URI, { autoIndex: true });
  await db.staffUsers.create({
    email: 'bench@bench.local',
    displayName: 'Bench',
    passwordHash: await hashPassword('bench-password'),
    role: 'hotline_operator',
  });

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const raw = await rawAddRate(REDIS_URL, QUEUE_PREFIX);
  console.log(`raw queue.add: ${raw.toFixed(0)} adds/s (${RAW_ADDS} adds, ${CONNECTIONS} in flight)`);

  // BENCH_GATEWAY_NODE_ARGS / BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profile them.
  // By default the gateway runs as scripts/start.sh, the Dockerfile and docker-compose start it.
  const gatewayArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const gateway = await startProcess(
    'apps/gateway/dist/main.js',
    { ...env, PORT: String(port), HOST: '127.0.0.1' },
    'gateway listening',
    gatewayArgs,
  );
  // By default the ingest phase runs alone (the gateway's own capacity on this 2-core machine,
  // where the worker and FerretDB would otherwise take the same cores); BENCH_OVERLAP=1 overlaps them.
  const overlap = process.env.BENCH_OVERLAP === '1';
  const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const startWorker = () =>
    startProcess('apps/worker/dist/main.js', { ...env, INTAKE_CONCURRENCY: String(WORKER_CONCURRENCY) }, 'workers running', workerArgs);
  let worker: ChildProcess | undefined = overlap ? await startWorker() : undefined;
  const url = `http://127.0.0.1:${port}`;
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@bench.local', password: 'bench-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const runId = randomUUID().slice(0, 8);
    let n = 0;
    const gatewayCpuBefore = cpuSecondsOf(gateway.pid);
    const started = Date.now();
    // autocannon reports at its next 1-second sample after the last answer, which rounded the
    // ingest time up by as much as a second: the rate is taken from the last answer's time.
    let lastAnswerAt = started;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `${url}/api/v1/hotline/calls`,
          connections: CONNECTIONS,
          amount: CALLS,
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          requests: [
            {
              setupRequest: (req) => ({
                ...req,
                body: JSON.stringify({
                  caller: { name: 'Nguyễn Văn Bench', phone: '0912345678' },
                  notes: 'Khách báo tên miền đã hết hạn dù đã thanh toán gia hạn, website và email ngừng hoạt động.',
                  callId: `bench-${runId}-${n++}`,
                }),
              }),
            },
          ],
        },
        (err: Error | null, r: autocannon.Result) => (err ? reject(err) : resolve(r)),
      );
      instance.on('response', () => (lastAnswerAt = Date.now()));
    });
    const ingestSeconds = (lastAnswerAt - started) / 1000;
    const accepted = result['2xx'];
    const gatewayCpuMsPerCall = ((cpuSecondsOf(gateway.pid) - gatewayCpuBefore) * 1000) / result.requests.total;
    console.log(
      `ingest: ${(accepted / ingestSeconds).toFixed(0)} calls/s (${accepted} answered 2xx in ${ingestSeconds.toFixed(2)} s to the last answer); non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    console.log(
      `latency to 202: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms (${CONNECTIONS} connections)`,
    );
    console.log(`gateway CPU per call: ${gatewayCpuMsPerCall.toFixed(3)} ms (user + system, from /proc)`);

    if (process.env.BENCH_INGEST_ONLY === '1') {
      // The ingest figures alone (no drain, no end-to-end figure): for comparing gateway changes quickly.
      console.log(
        JSON.stringify({
          rawAddsPerSecond: Math.round(raw),
          ingestCallsPerSecond: Math.round(accepted / ingestSeconds),
          ingestP50Ms: result.latency.p50,
          ingestP99Ms: result.latency.p99,
          ingestToRawRatio: Number((accepted / ingestSeconds / raw).toFixed(2)),
          gatewayCpuMsPerCall: Number(gatewayCpuMsPerCall.toFixed(3)),
        }),
      );
      return;
    }
    const casesAtIngestEnd = await db.cases.count();
    const drainStarted = Date.now();
    worker ??= await startWorker();
    // Done when the intake queue has nothing left (its counts are in Redis), then checked once
    // in MongoDB: counting the cases every 500 ms made FerretDB v1 decode the whole collection
    // each time, competing with the worker for the database (issue 12).
    const queueRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const intakeQueue = new Queue(QUEUE_NAMES.intake, { connection: queueRedis, prefix: QUEUE_PREFIX });
    try {
      await waitFor(
        'the intake queue drained',
        async () => {
          const c = await intakeQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
          return Object.values(c).every((n) => n === 0);
        },
        { timeoutMs: 900_000, intervalMs: 250 },
      );
    } finally {
      await intakeQueue.close();
      queueRedis.disconnect();
    }
    const drainedAt = Date.now();
    const routed = await db.cases.count();
    if (routed < accepted) throw new Error(`the intake queue drained with ${routed} of ${accepted} cases routed (see the dead letters)`);
    const e2eSeconds = (drainedAt - (overlap ? started : drainStarted)) / 1000;
    // The raw inserts right after the drain, in the database's state of the moment, before the
    // read of every case's times below (a minute of FerretDB decoding at 30,000 cases, during
    // which PostgreSQL finishes writing back: raw inserts measured after it ran faster than any
    // moment of the drain could, 440–680/s between runs; issue 12).
    const concurrency = WORKER_CONCURRENCY;
    const rawInserts = await rawInsertRate(db, concurrency);
    const docs = await db.cases.intakeTimes();
    const lags = docs.map((d) => new Date(d.createdAt).getTime() - new Date(d.receivedAt).getTime()).sort((a, b) => a - b);
    console.log(
      `end to end: ${(accepted / e2eSeconds).toFixed(0)} cases/s (${accepted} cases in ${e2eSeconds.toFixed(1)} s ${overlap ? 'from the first call' : 'draining the backlog'}; ${casesAtIngestEnd} routed when ingest ended)`,
    );
    console.log(
      `receipt → routed per case (includes waiting in the queue): p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms`,
    );
    const e2eRate = accepted / e2eSeconds;
    console.log(
      `raw case inserts into the same collection: ${rawInserts.toFixed(0)} inserts/s (${RAW_INSERTS} insertOne, ${concurrency} in flight); end to end / raw insert: ${(e2eRate / rawInserts).toFixed(2)}`,
    );
    const summary = {
      rawAddsPerSecond: Math.round(raw),
      ingestCallsPerSecond: Math.round(accepted / ingestSeconds),
      ingestP50Ms: result.latency.p50,
      ingestP99Ms: result.latency.p99,
      ingestToRawRatio: Number((accepted / ingestSeconds / raw).toFixed(2)),
      gatewayCpuMsPerCall: Number(gatewayCpuMsPerCall.toFixed(3)),
      endToEndCasesPerSecond: Math.round(accepted / e2eSeconds),
      rawInsertsPerSecond: Math.round(rawInserts),
      endToEndToRawInsertRatio: Number((e2eRate / rawInserts).toFixed(2)),
      routedLagP50Ms: percentile(lags, 50),
      routedLagP99Ms: percentile(lags, 99),
      calls: accepted,
      connections: CONNECTIONS,
      overlap,
    };
    console.log(`ingest/raw-add ratio: ${summary.ingestToRawRatio}`);
    console.log(JSON.stringify(summary));
  } finally {
    for (const p of [gateway, worker]) p?.kill('SIGTERM');
    await Promise.all([gateway, worker].map((p) => (p && p.exitCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve())));
    await db.connection.dropDatabase();
    await db.close();
    await removeRedisKeys(REDIS_URL, QUEUE_PREFIX);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
