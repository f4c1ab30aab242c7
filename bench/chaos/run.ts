/**
 * `npm run chaos`: the fault suite at full length (bench/chaos/chaos-run.ts). CHAOS_N complaints
 * (default 300) over hotline, email, livechat and postal while processes are killed and Redis and
 * FerretDB restarted. Prints the summary, then the whole report as JSON on the last line; exits 1
 * when a complaint was lost, doubled or stuck or a receipt missing or doubled. Record the summary
 * in RELIABILITY.md.
 *   CHAOS_N, CHAOS_SEED, CHAOS_LANES, CHAOS_FERRETDB_BACKEND (postgresql, default, or sqlite)
 */
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChaos, summarize } from './chaos-run';

async function main(): Promise<void> {
  const backend = process.env.CHAOS_FERRETDB_BACKEND ?? 'postgresql';
  if (backend !== 'postgresql' && backend !== 'sqlite') throw new Error('CHAOS_FERRETDB_BACKEND must be postgresql or sqlite');
  const logPath = process.env.CHAOS_PROCESS_LOG ?? join(tmpdir(), `cg-chaos-${Date.now()}.log`);
  const processLog = createWriteStream(logPath);
  process.stderr.write(`[chaos] the processes' output goes to ${logPath}\n`);
  const report = await runChaos({
    n: Number(process.env.CHAOS_N ?? 300),
    ...(process.env.CHAOS_SEED ? { seed: Number(process.env.CHAOS_SEED) } : {}),
    lanes: Number(process.env.CHAOS_LANES ?? 8),
    ferretBackend: backend,
    log: (line) => process.stderr.write(`[chaos] ${line}\n`),
    processLog: (line) => processLog.write(`${new Date().toISOString()} ${line}\n`),
  });
  processLog.end();
  process.stdout.write(`${summarize(report)}\n`);
  for (const f of report.faults)
    process.stdout.write(`  fault +${f.atS}s ${f.at} ${f.kind}: ${f.detail}; ready again after ${f.recoveredS} s\n`);
  for (const d of report.deadLetters) process.stdout.write(`  dead letter ${d.queue}/${d.jobId}: ${d.error}\n`);
  for (const f of report.failedJobs) process.stdout.write(`  failed job ${f.queue}/${f.jobId}: ${f.reason}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
