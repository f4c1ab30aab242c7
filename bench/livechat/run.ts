/**
 * Livechat benchmark (`npm run bench:livechat`): one gateway process and one worker process,
 * started from the build, on the local Redis and FerretDB; socket.io clients in this process.
 *  1. sessions: BENCH_CLIENTS pre-chat forms (POST /api/v1/livechat/sessions);
 *  2. ramp: opens BENCH_CLIENTS visitor sockets (at most BENCH_CONNECT_CONCURRENCY handshakes
 *     at once) and reports the connect rate, the handshake-to-state latency and the gateway's
 *     RSS per connection; then holds them BENCH_HOLD_SECONDS and counts the ones still up;
 *  3. complaints: the first message of BENCH_FIRST_MESSAGES conversations (intake, case number);
 *  4. steady state: BENCH_RATE messages/s for BENCH_SECONDS, follow-up messages in those
 *     conversations (random visitor each time) while all BENCH_CLIENTS sockets stay connected;
 *     round trip = emit → acknowledgement (stored in MongoDB) and emit → the message's own
 *     broadcast coming back through the Redis streams adapter.
 * Loopback only; bounded in count and time. Prints a JSON summary on the last line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { commonEnvSchema } from '@cg/config';
import { hashPassword } from '@cg/core';
import { openDatabase } from '@cg/db';
import { loadOrCreateDevelopmentCertificate } from '@cg/letters';
import { freePort, isolatedEnv, removeRedisKeys, waitFor } from '@cg/testing';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const HOLD_SECONDS = Number(process.env.BENCH_HOLD_SECONDS ?? 10);
const FIRST_MESSAGES = Math.min(CLIENTS, Number(process.env.BENCH_FIRST_MESSAGES ?? 200));
const CONNECT_CONCURRENCY = Number(process.env.BENCH_CONNECT_CONCURRENCY ?? 100);
const SESSION_CONCURRENCY = 16;
const ROOT = join(__dirname, '../../..');
/** The whole run stops by itself after this, whatever happens. */
const HARD_LIMIT_MS = Number(process.env.BENCH_HARD_LIMIT_SECONDS ?? 600) * 1000;

interface Visitor {
  token: string;
  conversationId: string;
  socket?: Socket;
  /** clientMessageId → emit time, for the broadcast echo. */
  pendingEcho: Map<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}
const ms = (n: number) => Math.round(n * 10) / 10;
const summarize = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: ms(percentile(s, 50)),
    p90: ms(percentile(s, 90)),
    p99: ms(percentile(s, 99)),
    max: ms(s[s.length - 1] ?? NaN),
  };
};

/**
 * Full garbage collections in the gateway, asked through its inspector (HeapProfiler.collectGarbage):
 * an RSS reading after it is the memory the process holds, not also however much of the ramp's
 * garbage the GC had not collected yet — which scattered the difference of two plain readings from
 * 10 to 34 KiB per connection between runs (BENCHMARKS.md, issue 12).
 */
async function collectGarbage(inspectPort: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await once(ws, 'open');
  try {
    for (let id = 1; id <= 2; id++) {
      const answered = new Promise<void>((resolve) =>
        ws.on('message', (data: Buffer) => (JSON.parse(data.toString()) as { id?: number }).id === id && resolve()),
      );
      ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      await answered;
    }
  } finally {
    ws.close();
  }
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Every child this run started, so that no exit path leaves one behind. */
const children = new Set<ChildProcess>();
function killChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const c of children) if (c.exitCode === null) c.kill(signal);
}

async function startProcess(script: string, env: NodeJS.ProcessEnv, readyText: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn('node', [...nodeArgs, join(ROOT, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout.on('data', (d) => (out = (out + d).slice(-10_000)));
  // Without the inspector's banners (collectGarbage attaches to the gateway's).
  child.stderr.on('data', (d: Buffer) => {
    const text = d
      .toString()
      .split('\n')
      .filter((l) => !/^(Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs\.org)/.test(l))
      .join('\n');
    if (text.trim()) process.stderr.write(text);
  });
  try {
    return await waitFor(`${script} to start`, () => out.includes(readyText) && child, { timeoutMs: 30_000 });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function devCertificate(): string {
  const path = join(ROOT, '.data/dev-letter-signing.p12');
  loadOrCreateDevelopmentCertificate(path);
  return path;
}

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    console.error(`bench exceeded ${HARD_LIMIT_MS / 1000} s: stopping`);
    killChildren('SIGKILL');
    process.exit(2);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  const env = isolatedEnv({
    LOG_LEVEL: 'info', // the start-up line is logged at info; requests log at debug
    NODE_ENV: 'production',
    // Production asks for the letter-signing certificate; the bench signs nothing, the development one will do.
    LETTER_SIGNING_P12_PATH: devCertificate(),
    AUTH_TOKEN_SECRET: randomUUID() + randomUUID(),
    MAIL_MESSAGE_ID_SECRET: randomUUID() + randomUUID(),
    MONGODB_AUTO_INDEX: 'true',
    // Every client comes from 127.0.0.1: lift the per-IP limits, keep the per-visitor one.
    LIVECHAT_MAX_CONNECTIONS_PER_IP: String(CLIENTS * 2),
    LIVECHAT_SESSIONS_PER_HOUR_PER_IP: String(CLIENTS * 2),
    LIVECHAT_MESSAGES_PER_MINUTE_PER_IP: String(RATE * 120),
    // 200 msg/s over 200 conversations is one message a second per visitor: above a person's 30/min.
    LIVECHAT_MESSAGES_PER_MINUTE_PER_VISITOR: '600',
  });
  const { REDIS_URL, MONGODB_URI, QUEUE_PREFIX } = commonEnvSchema.parse(env);
  const db = await openDatabase(MONGODB_URI, { autoIndex: true });
  await db.staffUsers.create({
    email: 'agent@bench.local',
    displayName: 'Bench agent',
    passwordHash: await hashPassword('bench-password'),
    role: 'cs_agent',
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  console.log(`clients ${CLIENTS}, steady rate ${RATE} msg/s for ${SECONDS} s, first messages ${FIRST_MESSAGES}`);

  // BENCH_GATEWAY_NODE_ARGS="--heapsnapshot-signal=SIGUSR2" (then `kill -USR2` it while the sockets are held) or "--cpu-prof …".
  // By default the gateway runs as scripts/start.sh, the Dockerfile and docker-compose start it.
  const gatewayArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // Its inspector on loopback: the bench asks it for full garbage collections around the ramp (collectGarbage).
  const inspectPort = await freePort();
  const gateway = await startProcess('apps/gateway/dist/main.js', { ...env, PORT: String(port), HOST: '127.0.0.1' }, 'gateway listening', [
    ...gatewayArgs,
    `--inspect=127.0.0.1:${inspectPort}`,
  ]);
  console.log(`gateway pid ${gateway.pid}`);
  const worker = await startProcess('apps/worker/dist/main.js', env, 'workers running');
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const visitors: Visitor[] = [];
  try {
    // 1. Sessions.
    let t = performance.now();
    const indexes = Array.from({ length: CLIENTS }, (_, i) => i);
    await pool(indexes, SESSION_CONCURRENCY, async (i) => {
      const res = await fetch(`${url}/api/v1/livechat/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Khách ${i}`, email: `bench${i}@example.vn` }),
      });
      if (res.status !== 201) throw new Error(`session ${i}: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { token: string; conversationId: string };
      visitors.push({ token: body.token, conversationId: body.conversationId, pendingEcho: new Map() });
    });
    const sessionSeconds = (performance.now() - t) / 1000;
    console.log(`sessions: ${CLIENTS} in ${sessionSeconds.toFixed(1)} s (${(CLIENTS / sessionSeconds).toFixed(0)}/s)`);

    // 2. Ramp.
    await new Promise((r) => setTimeout(r, 1000));
    // With BENCH_GATEWAY_NODE_ARGS="--heapsnapshot-signal=SIGUSR2" and BENCH_HEAP_SNAPSHOTS=1: one heap
    // snapshot of the gateway before the ramp and one after it (in the gateway's working directory).
    const heapSnapshot = async () => {
      if (process.env.BENCH_HEAP_SNAPSHOTS !== '1') return;
      process.kill(gateway.pid!, 'SIGUSR2');
      await new Promise((r) => setTimeout(r, 30_000));
    };
    await heapSnapshot();
    const rssBeforeUnforced = rssBytes(gateway.pid!);
    await collectGarbage(inspectPort);
    const rssBefore = rssBytes(gateway.pid!);
    const connectLatencies: number[] = [];
    const echoLatencies: number[] = [];
    loopDelay.enable();
    t = performance.now();
    await pool(visitors, CONNECT_CONCURRENCY, async (v) => {
      const started = performance.now();
      const socket = io(`${url}/livechat`, {
        auth: { token: v.token, lastSeq: 0 },
        transports: ['websocket'],
        reconnectionDelay: 500,
        timeout: 20_000,
      });
      v.socket = socket;
      socket.on('message', (m: { id: string }) => {
        const at = v.pendingEcho.get(m.id);
        if (at !== undefined) {
          echoLatencies.push(performance.now() - at);
          v.pendingEcho.delete(m.id);
        }
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('conversation:state', () => resolve());
        socket.once('connect_error', (err) => reject(new Error(`connect: ${err.message}`)));
      });
      connectLatencies.push(performance.now() - started);
    });
    const rampSeconds = (performance.now() - t) / 1000;
    const rampLoop = { p99: ms(loopDelay.percentile(99) / 1e6), max: ms(loopDelay.max / 1e6) };
    await new Promise((r) => setTimeout(r, 2000));
    const rssAfterUnforced = rssBytes(gateway.pid!);
    await collectGarbage(inspectPort);
    const rssAfter = rssBytes(gateway.pid!);
    await heapSnapshot();
    const rssPerConnection = (rssAfter - rssBefore) / CLIENTS;
    const connect = summarize(connectLatencies);
    console.log(
      `ramp: ${CLIENTS} sockets in ${rampSeconds.toFixed(1)} s = ${(CLIENTS / rampSeconds).toFixed(0)} connects/s; handshake → state p50 ${connect.p50} ms, p99 ${connect.p99} ms`,
    );
    console.log(
      `gateway RSS after a full GC: ${(rssBefore / 2 ** 20).toFixed(0)} MiB → ${(rssAfter / 2 ** 20).toFixed(0)} MiB = ${(rssPerConnection / 1024).toFixed(1)} KiB per connection` +
        ` (plain readings before the GCs: ${(rssBeforeUnforced / 2 ** 20).toFixed(0)} → ${(rssAfterUnforced / 2 ** 20).toFixed(0)} MiB = ${((rssAfterUnforced - rssBeforeUnforced) / CLIENTS / 1024).toFixed(1)} KiB)`,
    );

    await new Promise((r) => setTimeout(r, HOLD_SECONDS * 1000));
    const held = visitors.filter((v) => v.socket?.connected).length;
    // The same difference once the sockets have been held a while (after a full GC too).
    await collectGarbage(inspectPort);
    const rssHeld = rssBytes(gateway.pid!);
    console.log(
      `held after ${HOLD_SECONDS} s: ${held}/${CLIENTS} connected; gateway RSS ${(rssHeld / 2 ** 20).toFixed(0)} MiB = ${((rssHeld - rssBefore) / CLIENTS / 1024).toFixed(1)} KiB per connection`,
    );

    // 3. First messages: complaints through intake (case numbers).
    const firstLatencies: number[] = [];
    let firstFailures = 0;
    t = performance.now();
    await pool(visitors.slice(0, FIRST_MESSAGES), 10, async (v) => {
      const started = performance.now();
      const ack = (await v
        .socket!.timeout(30_000)
        .emitWithAck('message:send', {
          clientMessageId: randomUUID(),
          text: 'Tên miền của tôi bị khoá dù đã gia hạn và thanh toán; website ngừng hoạt động.',
        })
        .catch(() => ({ ok: false }))) as { ok: boolean; receipt?: { caseNumber: string } };
      if (ack.ok && ack.receipt?.caseNumber) firstLatencies.push(performance.now() - started);
      else firstFailures++;
    });
    const firstSeconds = (performance.now() - t) / 1000;
    const first = summarize(firstLatencies);
    console.log(
      `complaints (first message → case number): ${FIRST_MESSAGES} in ${firstSeconds.toFixed(1)} s; p50 ${first.p50} ms, p99 ${first.p99} ms; failures ${firstFailures}`,
    );
    // Let the worker write the cases and the gateway's receipt watchers settle.
    await waitFor('cases written', async () => (await db.cases.count({ channel: 'livechat' })) >= FIRST_MESSAGES - firstFailures, {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    await new Promise((r) => setTimeout(r, 2000));

    // 4. Steady state.
    const ackLatencies: number[] = [];
    echoLatencies.length = 0;
    let failures = 0;
    const failureCodes: Record<string, number> = {};
    const fail = (code: string) => {
      failures++;
      failureCodes[code] = (failureCodes[code] ?? 0) + 1;
    };
    let sent = 0;
    const total = RATE * SECONDS;
    const intervalMs = 1000 / RATE;
    loopDelay.reset();
    const inFlight: Promise<void>[] = [];
    t = performance.now();
    while (sent < total) {
      const due = t + sent * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const v = visitors[Math.floor(Math.random() * FIRST_MESSAGES)]!;
      if (!v.socket?.connected) {
        fail('disconnected');
        sent++;
        continue;
      }
      const id = randomUUID();
      const started = performance.now();
      v.pendingEcho.set(id, started);
      sent++;
      inFlight.push(
        (
          v.socket.timeout(10_000).emitWithAck('message:send', {
            clientMessageId: id,
            text: `Tin nhắn số ${sent}: bổ sung thông tin cho khiếu nại.`,
          }) as Promise<{ ok: boolean; error?: { code: string } }>
        )
          .then((ack) => {
            if (ack.ok) ackLatencies.push(performance.now() - started);
            else fail(ack.error?.code ?? 'refused');
          })
          .catch(() => fail('ack_timeout')),
      );
    }
    await Promise.all(inFlight);
    const steadySeconds = (performance.now() - t) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const steadyLoop = { p99: ms(loopDelay.percentile(99) / 1e6), max: ms(loopDelay.max / 1e6) };
    const ack = summarize(ackLatencies);
    const echo = summarize(echoLatencies);
    console.log(
      `steady: ${sent} messages in ${steadySeconds.toFixed(1)} s = ${(ackLatencies.length / steadySeconds).toFixed(0)} msg/s acknowledged; failures ${failures} ${JSON.stringify(failureCodes)}`,
    );
    console.log(`round trip emit → ack (stored): p50 ${ack.p50} ms, p90 ${ack.p90} ms, p99 ${ack.p99} ms, max ${ack.max} ms`);
    console.log(`round trip emit → own broadcast via Redis streams adapter: p50 ${echo.p50} ms, p99 ${echo.p99} ms (${echo.n} received)`);
    console.log(`bench client event-loop delay: ramp p99 ${rampLoop.p99} ms; steady p99 ${steadyLoop.p99} ms, max ${steadyLoop.max} ms`);
    // 5. The socket layer alone (no database): agents' typing events at BENCH_RATE/s to random
    //    visitors, through the staff namespace, the Redis streams adapter and the visitor rooms.
    const agentSockets: Socket[] = [];
    const typingLatencies: number[] = [];
    const typingSentAt = new Map<string, number>();
    for (const v of visitors) {
      v.socket?.on('typing', () => {
        const at = typingSentAt.get(v.conversationId);
        if (at !== undefined) {
          typingLatencies.push(performance.now() - at);
          typingSentAt.delete(v.conversationId);
        }
      });
    }
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@bench.local', password: 'bench-password' }),
    });
    const { token: agentToken } = (await login.json()) as { token: string };
    // Each connection may send 5 events a second: spread the rate over enough agent tabs.
    const agentCount = Math.ceil(RATE / 4);
    for (let i = 0; i < agentCount; i++) {
      const a = io(`${url}/livechat-staff`, { auth: { token: agentToken }, transports: ['websocket'] });
      agentSockets.push(a);
      await new Promise<void>((resolve, reject) => {
        a.once('connect', () => resolve());
        a.once('connect_error', (err) => reject(err));
      });
    }
    const typingTotal = RATE * Math.min(SECONDS, 10);
    t = performance.now();
    for (let k = 0; k < typingTotal; k++) {
      const due = t + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const v = visitors[Math.floor(Math.random() * visitors.length)]!;
      if (typingSentAt.has(v.conversationId)) continue;
      typingSentAt.set(v.conversationId, performance.now());
      agentSockets[k % agentCount]!.emit('typing', { conversationId: v.conversationId, isTyping: k % 2 === 0 });
    }
    await new Promise((r) => setTimeout(r, 1000));
    const typing = summarize(typingLatencies);
    console.log(
      `socket layer: agent typing → visitor at ${RATE}/s via the adapter: p50 ${typing.p50} ms, p99 ${typing.p99} ms (${typing.n} delivered)`,
    );
    for (const a of agentSockets) a.disconnect();

    const rssEnd = rssBytes(gateway.pid!);
    const summary = {
      clients: CLIENTS,
      sessionsPerSecond: Math.round(CLIENTS / sessionSeconds),
      connectsPerSecond: Math.round(CLIENTS / rampSeconds),
      connectP50Ms: connect.p50,
      connectP99Ms: connect.p99,
      held,
      rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      rssAfterMiB: Math.round(rssAfter / 2 ** 20),
      rssEndMiB: Math.round(rssEnd / 2 ** 20),
      rssPerConnectionKiB: Math.round((rssPerConnection / 1024) * 10) / 10,
      rssHeldPerConnectionKiB: Math.round(((rssHeld - rssBefore) / CLIENTS / 1024) * 10) / 10,
      firstMessageP50Ms: first.p50,
      firstMessageP99Ms: first.p99,
      rate: RATE,
      seconds: SECONDS,
      acked: ackLatencies.length,
      failures,
      ackP50Ms: ack.p50,
      ackP99Ms: ack.p99,
      echoP50Ms: echo.p50,
      echoP99Ms: echo.p99,
      clientLoopDelayP99Ms: steadyLoop.p99,
      failureCodes,
      socketLayerP50Ms: typing.p50,
      socketLayerP99Ms: typing.p99,
    };
    console.log(JSON.stringify(summary));
  } finally {
    for (const v of visitors) v.socket?.disconnect();
    for (const p of [gateway, worker]) p.kill('SIGTERM');
    await Promise.all([gateway, worker].map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve())));
    await db.connection.dropDatabase();
    await db.close();
    await removeRedisKeys(REDIS_URL, QUEUE_PREFIX);
    loopDelay.disable();
  }
}

main().catch((err) => {
  console.error(err);
  killChildren('SIGKILL');
  process.exit(1);
});
