/**
 * One fault run: N complaints across hotline, email, livechat and postal while the gateway, the
 * worker and the mail poller are killed (SIGKILL) at random moments and Redis (AOF) and FerretDB
 * are killed and started again; then the system is left to finish and checked: every complaint
 * that was acknowledged is exactly one case (the number the client heard), none is duplicated,
 * nothing is stuck in a queue, dead letters are listed with their reason, and every receipt went
 * out once. `npm run chaos` (bench/chaos/run.ts) and the short run in `npm test`
 * (apps/worker/test/chaos-short.test.ts) both call runChaos().
 */
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '@cg/contracts';
import { hashPassword } from '@cg/core';
import { openDatabase, type Database } from '@cg/db';
import { prng, waitFor } from '@cg/testing';
import { SUBMIT, type Channel, type ClientContext, type Submission } from './clients';
import { ChaosCluster, type ProcessName } from './cluster';

export type FaultKind = `kill ${ProcessName}` | 'restart redis' | 'restart ferretdb';
export const FAULT_KINDS: readonly FaultKind[] = ['kill gateway', 'kill worker', 'kill mail-poller', 'restart redis', 'restart ferretdb'];

export interface ChaosOptions {
  /** Complaints to submit (spread over the four channels). */
  n: number;
  seed?: number;
  channels?: readonly Channel[];
  /** Clients submitting at once. */
  lanes?: number;
  /** Pause between one client's complaints (random up to this), to spread them over the faults. */
  paceMs?: number;
  /** Gap between the recovery from one fault and the next fault, random in [min, max]. */
  faultGapMs?: [number, number];
  /** Faults to inject at least, even when the complaints are all in before (default: each kind once). */
  minFaults?: number;
  /** How long Redis / FerretDB stay down, random in [min, max]. */
  serviceDownMs?: [number, number];
  /** Share of clients that repeat a request (after cutting it short, or after its acknowledgement). */
  repeatShare?: number;
  ferretBackend?: 'sqlite' | 'postgresql';
  /** Time allowed, after the last complaint, for the system to finish its work. */
  drainMs?: number;
  log?: (line: string) => void;
  /** Where the processes' stderr lines go (warnings and errors at the default CHAOS_LOG_LEVEL=warn). */
  processLog?: (line: string) => void;
}

export interface FaultRecord {
  /** Seconds from the start of the submissions. */
  atS: number;
  at: string;
  kind: FaultKind;
  detail: string;
  /** Seconds until the gateway, the worker and the poller all answered /readyz again. */
  recoveredS: number;
}

export interface ChaosReport {
  date: string;
  machine: { host: string; cpus: number; memoryGb: number; loadBefore: number[]; loadAfter: number[] };
  options: { n: number; seed: number; lanes: number; repeatShare: number; ferretBackend: string };
  submitted: Record<Channel, number>;
  acknowledged: number;
  notAcknowledged: Array<{ tag: string; channel: Channel; lastError?: string }>;
  /** Sends in all (first sends, retries after no answer, deliberate repeats) and the deliberate repeats. */
  requests: { sends: number; repeats: number };
  faults: FaultRecord[];
  restarts: Record<ProcessName, number>;
  cases: number;
  /** Acknowledged complaints without a case. */
  lost: string[];
  /** Complaints that became more than one case. */
  duplicated: Array<{ tag: string; cases: string[] }>;
  /** Acknowledged with one number, stored under another (or answered two numbers). */
  numberMismatch: Array<{ tag: string; answered: string[]; stored: string[] }>;
  stuck: { queues: Record<string, Record<string, number>>; pendingOutbox: number; lettersUnread: number; drained: boolean };
  deadLetters: Array<{ queue: string; jobId: string; error: string }>;
  /** BullMQ failed sets (everything there failed for good). */
  failedJobs: Array<{ queue: string; jobId: string; reason: string }>;
  receipts: {
    /** Email and postal complaints (with the customer's address) expect one receipt mail each. */
    expected: number;
    /** Distinct receipt messages (by Message-ID) that reached the SMTP sink. */
    sent: number;
    missing: string[];
    /** More than one distinct receipt for one complaint. */
    duplicated: string[];
    /** The same message (same Message-ID) delivered again: a worker killed after the SMTP server took it, before it recorded so. */
    redelivered: number;
    /** Livechat: receipts posted in the chat (one per conversation expected). */
    chatMissing: string[];
    chatDuplicated: string[];
  };
  durations: { submitS: number; drainS: number };
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (random: () => number, [lo, hi]: [number, number]) => Math.round(lo + random() * (hi - lo));
const round1 = (x: number) => Math.round(x * 10) / 10;

async function staffToken(url: string, db: Database, role: 'hotline_operator' | 'postal_clerk'): Promise<string> {
  const email = `${role}@chaos.local`;
  const password = 'chaos-run-password-1';
  await db.staffUsers.create({ email, displayName: `Chaos ${role}`, passwordHash: await hashPassword(password), role });
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${role} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Queues that must be empty when the work is done (deadline checks wait days in `delayed`, by design). */
const DRAINED_QUEUES = [QUEUE_NAMES.intake, QUEUE_NAMES.ocr, QUEUE_NAMES.outbound, QUEUE_NAMES.assignment, QUEUE_NAMES.webhooks];
const QUEUES = [...DRAINED_QUEUES, QUEUE_NAMES.deadlines];

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const seed = opts.seed ?? Date.now() % 1_000_000;
  const random = prng(seed);
  const lanes = opts.lanes ?? 8;
  const channels = opts.channels ?? (['hotline', 'email', 'livechat', 'postal'] as const);
  const repeatShare = opts.repeatShare ?? 0.15;
  const ferretBackend = opts.ferretBackend ?? 'sqlite';
  const log = opts.log ?? (() => undefined);
  const loadBefore = loadavg().map(round1);
  const cluster = await ChaosCluster.start({ ferretBackend, restartDelayMs: 1000, ...(opts.processLog ? { log: opts.processLog } : {}) });
  const redis = new Redis(cluster.redis.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const queues = QUEUES.map((name) => new Queue(name, { connection: redis, prefix: cluster.prefix }));
  // (Redis is down at times: the connection reconnects by itself.)
  for (const q of queues) q.on('error', () => undefined);
  let db: Database | undefined;
  try {
    db = await openDatabase(cluster.mongoUri, { autoIndex: false });
    const runId = cluster.prefix.replace(/[{}]/g, '');
    const ctx: ClientContext = {
      url: cluster.url,
      runId,
      dovecot: cluster.dovecot,
      operatorToken: await staffToken(cluster.url, db, 'hotline_operator'),
      clerkToken: await staffToken(cluster.url, db, 'postal_clerk'),
      repeatShare,
      random,
      giveUpMs: 240_000,
    };

    // Channels in turn, then shuffled: every channel is under every fault.
    const submissions: Submission[] = Array.from({ length: opts.n }, (_, index) => ({
      index,
      channel: channels[index % channels.length]!,
      tag: `CHAOS-${runId}-${index}`,
      email: `kh${index}.${runId}@customer.example`,
      acknowledged: false,
      caseNumbers: new Set<string>(),
      sends: 0,
      repeats: 0,
      startedAt: 0,
    }));
    const order = [...submissions];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }

    // --- submissions and faults at once -------------------------------------------------
    const started = Date.now();
    let next = 0;
    let submitting = true;
    const laneRuns = Array.from({ length: lanes }, async () => {
      while (next < order.length) {
        const s = order[next++]!;
        s.startedAt = Date.now();
        await SUBMIT[s.channel](s, ctx).catch((err: Error) => {
          s.lastError = err.message;
        });
        await sleep(Math.floor(random() * (opts.paceMs ?? 300)));
      }
    });
    const faults: FaultRecord[] = [];
    const faultRun = (async () => {
      let bag: FaultKind[] = [];
      await sleep(between(random, opts.faultGapMs ?? [3000, 10_000]) / 2);
      const minFaults = opts.minFaults ?? FAULT_KINDS.length;
      while (submitting || faults.length < minFaults) {
        if (!bag.length) bag = [...FAULT_KINDS].sort(() => random() - 0.5);
        const kind = bag.pop()!;
        const atS = round1((Date.now() - started) / 1000);
        let detail: string;
        if (kind === 'restart redis' || kind === 'restart ferretdb') {
          const downMs = between(random, opts.serviceDownMs ?? [500, 3000]);
          detail = `SIGKILL, started again after ${downMs} ms`;
          log(`fault at ${atS}s: ${kind} (${detail})`);
          await (kind === 'restart redis' ? cluster.crashRedis(downMs) : cluster.crashFerret(downMs));
        } else {
          const name = kind.slice('kill '.length) as ProcessName;
          const pid = cluster.processes[name].kill();
          detail = pid ? `SIGKILL pid ${pid}` : 'not running (restarting)';
          log(`fault at ${atS}s: ${kind} (${detail})`);
        }
        // The next fault comes a while after the system is whole again, not on a fixed clock: on a
        // busy host a restart takes long, and faults faster than recovery only measure an outage.
        const faultAt = Date.now();
        await waitFor('every process to be ready again', () => cluster.ready(), { timeoutMs: 120_000, intervalMs: 250 }).catch(() =>
          log(`not ready 120 s after ${kind}`),
        );
        faults.push({ atS, at: new Date(faultAt).toISOString(), kind, detail, recoveredS: round1((Date.now() - faultAt) / 1000) });
        const gap = between(random, opts.faultGapMs ?? [3000, 10_000]);
        for (const until = Date.now() + gap; (submitting || faults.length < minFaults) && Date.now() < until;) await sleep(100);
      }
    })();
    let progress: NodeJS.Timeout | undefined = setInterval(() => {
      const acked = submissions.filter((s) => s.acknowledged).length;
      const waiting = submissions.filter((s) => s.startedAt && !s.acknowledged);
      const errors = [...new Set(waiting.map((s) => `${s.channel}: ${s.lastError ?? '…'}`))].slice(0, 4).join('; ');
      log(
        `${round1((Date.now() - started) / 1000)}s: ${acked}/${opts.n} acknowledged, ${waiting.length} waiting (${errors}), ${faults.length} faults`,
      );
    }, 10_000);
    await Promise.all(laneRuns);
    submitting = false;
    await faultRun;
    const submitS = round1((Date.now() - started) / 1000);

    // --- let the system finish ------------------------------------------------------------
    await cluster.settle();
    const drainStarted = Date.now();
    const acked = submissions.filter((s) => s.acknowledged);
    const cases = () =>
      db!.connection
        .collection('cases')
        .find({}, { projection: { caseNumber: 1, channel: 1, idempotencyKey: 1, bodyText: 1 } })
        .toArray();
    const tagOf = (text: unknown) => (typeof text === 'string' ? /CHAOS-[a-z0-9]+-\d+/.exec(text)?.[0] : undefined);
    const queueCounts = async () => {
      const out: Record<string, Record<string, number>> = {};
      for (const q of queues)
        out[q.name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children');
      return out;
    };
    const idle = (counts: Record<string, Record<string, number>>) =>
      Object.entries(counts).every(
        ([name, c]) =>
          (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (name === QUEUE_NAMES.deadlines ? 0 : (c.delayed ?? 0)) === 0,
      );
    const pendingOutbox = () => db!.connection.collection('mail_outbound').countDocuments({ status: { $in: ['pending', 'sending'] } });
    const lettersUnread = () =>
      db!.connection.collection('postal_letters').countDocuments({ status: { $in: ['uploaded', 'ocr_pending'] } });
    let drained = false;
    try {
      await waitFor(
        'the system to finish its work',
        async () => {
          const tags = new Set((await cases()).map((c) => tagOf(c.bodyText)));
          if (!acked.every((s) => tags.has(s.tag))) return false;
          if (!idle(await queueCounts())) return false;
          // Chat messages reach MongoDB through the workers' persister (Redis stream first).
          const chats = acked.filter((s) => s.channel === 'livechat').map((s) => s.key);
          const chatReceipts = await db!.connection
            .collection('chat_messages')
            .countDocuments({ conversationId: { $in: chats }, type: 'receipt' });
          if (chatReceipts < chats.length) return false;
          return (await pendingOutbox()) === 0 && (await lettersUnread()) === 0;
        },
        { timeoutMs: opts.drainMs ?? 240_000, intervalMs: 1000 },
      );
      drained = true;
    } catch (err) {
      log(`not drained: ${(err as Error).message}`);
    }
    // Receipts already queued are sent within a moment; let the last ones arrive.
    await sleep(1500);
    clearInterval(progress);
    progress = undefined;
    const drainS = round1((Date.now() - drainStarted) / 1000);

    // --- check ----------------------------------------------------------------------------
    const all = await cases();
    const byTag = new Map<string, string[]>();
    for (const c of all) {
      const tag = tagOf(c.bodyText);
      if (tag) byTag.set(tag, [...(byTag.get(tag) ?? []), String(c.caseNumber)]);
    }
    const lost = acked.filter((s) => !byTag.has(s.tag)).map((s) => s.tag);
    const duplicated = [...byTag].filter(([, list]) => list.length > 1).map(([tag, list]) => ({ tag, cases: list }));
    const numberMismatch = acked
      .filter((s) => {
        const stored = byTag.get(s.tag) ?? [];
        return s.caseNumbers.size > 1 || [...s.caseNumbers].some((n) => !stored.includes(n));
      })
      .map((s) => ({ tag: s.tag, answered: [...s.caseNumbers], stored: byTag.get(s.tag) ?? [] }));

    const deadLetters = (await db.connection.collection('dead_letters').find({}).toArray()).map((d) => ({
      queue: String(d.queue),
      jobId: String(d.jobId),
      error: String(d.error).slice(0, 300),
    }));
    const failedJobs: ChaosReport['failedJobs'] = [];
    for (const q of queues) {
      for (const j of await q.getFailed(0, 200)) {
        if (j) failedJobs.push({ queue: q.name, jobId: String(j.id), reason: String(j.failedReason).slice(0, 300) });
      }
    }

    // Receipts by mail: the addresses are unique per complaint, and no other mail goes to them in this run.
    const expectingMail = acked.filter((s) => s.channel === 'email' || s.channel === 'postal');
    const mailTo = new Map<string, Array<string | undefined>>();
    for (const m of cluster.smtp.messages) {
      for (const to of m.envelopeTo) mailTo.set(to, [...(mailTo.get(to) ?? []), m.parsed.messageId]);
    }
    let sent = 0;
    let redelivered = 0;
    const missing: string[] = [];
    const receiptDuplicated: string[] = [];
    for (const s of submissions) {
      const ids = mailTo.get(s.email) ?? [];
      const distinct = new Set(ids).size;
      const expected = expectingMail.includes(s) ? 1 : 0;
      sent += distinct;
      redelivered += ids.length - distinct;
      if (distinct < expected) missing.push(s.tag);
      if (distinct > expected) receiptDuplicated.push(s.tag);
    }
    const chatMissing: string[] = [];
    const chatDuplicated: string[] = [];
    for (const s of acked.filter((x) => x.channel === 'livechat')) {
      const n = await db.connection.collection('chat_messages').countDocuments({ conversationId: s.key, type: 'receipt' });
      if (n < 1) chatMissing.push(s.tag);
      if (n > 1) chatDuplicated.push(s.tag);
    }

    const counts = await queueCounts();
    const stuck = { queues: counts, pendingOutbox: await pendingOutbox(), lettersUnread: await lettersUnread(), drained };
    const submitted = Object.fromEntries(channels.map((c) => [c, submissions.filter((s) => s.channel === c).length])) as Record<
      Channel,
      number
    >;
    const notAcknowledged = submissions
      .filter((s) => !s.acknowledged)
      .map((s) => ({ tag: s.tag, channel: s.channel, ...(s.lastError ? { lastError: s.lastError } : {}) }));
    const report: ChaosReport = {
      date: new Date().toISOString(),
      machine: {
        host: hostname(),
        cpus: cpus().length,
        memoryGb: round1(totalmem() / 2 ** 30),
        loadBefore,
        loadAfter: loadavg().map(round1),
      },
      options: { n: opts.n, seed, lanes, repeatShare, ferretBackend },
      submitted,
      acknowledged: acked.length,
      notAcknowledged,
      requests: { sends: submissions.reduce((a, s) => a + s.sends, 0), repeats: submissions.reduce((a, s) => a + s.repeats, 0) },
      faults,
      restarts: Object.fromEntries(Object.entries(cluster.processes).map(([k, p]) => [k, p.starts - 1])) as Record<ProcessName, number>,
      cases: all.length,
      lost,
      duplicated,
      numberMismatch,
      stuck,
      deadLetters,
      failedJobs,
      receipts: {
        expected: expectingMail.length,
        sent,
        missing,
        duplicated: receiptDuplicated,
        redelivered,
        chatMissing,
        chatDuplicated,
      },
      durations: { submitS, drainS },
      ok: false,
    };
    report.ok =
      notAcknowledged.length === 0 &&
      lost.length === 0 &&
      duplicated.length === 0 &&
      numberMismatch.length === 0 &&
      drained &&
      deadLetters.length === 0 &&
      failedJobs.length === 0 &&
      missing.length === 0 &&
      receiptDuplicated.length === 0 &&
      chatMissing.length === 0 &&
      chatDuplicated.length === 0;
    if (!report.ok) log(`last process output:\n${cluster.logTail.slice(-60).join('\n')}`);
    return report;
  } finally {
    for (const q of queues) await q.close().catch(() => undefined);
    redis.disconnect();
    if (db) {
      // PostgreSQL backend: the run's schema would stay in the database; SQLite goes with its directory.
      if (ferretBackend === 'postgresql') await db.connection.dropDatabase().catch(() => undefined);
      await db.close().catch(() => undefined);
    }
    await cluster.close();
  }
}

/** The report in a few lines (the run prints it, RELIABILITY.md records it). */
export function summarize(r: ChaosReport): string {
  const submitted = Object.values(r.submitted).reduce((a, b) => a + b, 0);
  const faultKinds = FAULT_KINDS.map((k) => `${k} ×${r.faults.filter((f) => f.kind === k).length}`).join(', ');
  return [
    `N submitted: ${submitted} (${Object.entries(r.submitted)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}); acknowledged ${r.acknowledged}; requests sent ${r.requests.sends} (deliberate repeats ${r.requests.repeats})`,
    `faults: ${r.faults.length} (${faultKinds}); process restarts ${Object.entries(r.restarts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `cases: ${r.cases}; lost ${r.lost.length}; duplicated ${r.duplicated.length}; number mismatches ${r.numberMismatch.length}; not acknowledged ${r.notAcknowledged.length}`,
    `stuck: ${r.stuck.drained ? 'none (queues drained, outbox empty, every letter read)' : JSON.stringify(r.stuck)}; dead letters ${r.deadLetters.length}; failed jobs ${r.failedJobs.length}`,
    `receipts: mail ${r.receipts.sent}/${r.receipts.expected} (missing ${r.receipts.missing.length}, duplicated ${r.receipts.duplicated.length}, same message redelivered ${r.receipts.redelivered}); chat missing ${r.receipts.chatMissing.length}, duplicated ${r.receipts.chatDuplicated.length}`,
    `time: submissions ${r.durations.submitS} s, drain ${r.durations.drainS} s; load ${r.machine.loadBefore.join(' ')} → ${r.machine.loadAfter.join(' ')} on ${r.machine.cpus} CPUs`,
    `outcome: ${r.ok ? 'OK' : 'FAILED'}`,
  ].join('\n');
}
