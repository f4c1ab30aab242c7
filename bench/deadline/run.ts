/**
 * Deadline benchmark: computes the target and cap deadlines (with the full
 * explanation of skipped days) for 200,000 pseudo-random receipt instants
 * between 2025-01-01 and 2028-12-31 (official schedules 2025–2026, computed
 * provisional holidays 2027–2028), on one core, and prints ops/s.
 *
 * Run after building: node bench/deadline/dist/run.js (or with esbuild-register).
 */
import { computeDeadlines, createDefaultCalendar, DEFAULT_DEADLINE_POLICY } from '@cg/calendar';

const N = Number(process.env.BENCH_N ?? 200_000);
const WARMUP = 20_000;
const FROM = Date.UTC(2024, 11, 31, 17, 0, 0); // 2025-01-01 00:00 +07:00
const TO = Date.UTC(2028, 11, 31, 17, 0, 0); // 2029-01-01 00:00 +07:00

/** mulberry32: small deterministic PRNG so runs are comparable. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(): void {
  const rand = mulberry32(20260213);
  const instants: Date[] = new Array<Date>(N);
  for (let i = 0; i < N; i++) instants[i] = new Date(FROM + Math.floor(rand() * (TO - FROM)));

  const calendar = createDefaultCalendar();
  const policy = DEFAULT_DEADLINE_POLICY;

  // Warm-up (JIT, and the lazy per-year tables of 2025–2029).
  for (let i = 0; i < WARMUP; i++) computeDeadlines(instants[i % N]!, policy, calendar);

  let checksum = 0;
  let skipped = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const r = computeDeadlines(instants[i]!, policy, calendar);
    checksum += r.cap.dueAt.getTime() - r.target.dueAt.getTime();
    skipped += r.explanation.skipped.length;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const ms = ns / 1e6;
  const opsPerSec = Math.round(N / (ns / 1e9));

  console.log(
    `deadline benchmark: ${N} receipts, 2025-01-01..2028-12-31, policy ${policy.targetWorkingDays} working days / cap ${policy.capLength} ${policy.capUnit}`,
  );
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`total ${ms.toFixed(1)} ms, ${(ns / N / 1000).toFixed(2)} µs/op, ${opsPerSec.toLocaleString('en-US')} ops/s`);
  console.log(`(avg skipped days listed per computation: ${(skipped / N).toFixed(2)}; checksum ${checksum % 1_000_003})`);
}

main();
