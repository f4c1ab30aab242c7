import { FAULT_KINDS, runChaos, summarize, type ChaosReport } from '../../../bench/chaos/chaos-run';

/**
 * The fault suite, short: a couple of dozen complaints over the four channels while the gateway,
 * the worker and the mail poller (real processes from the build) are killed with SIGKILL and a
 * Redis and a FerretDB of the test's own are killed and started again, each kind at least once.
 * `npm run chaos` is the long run (bench/chaos/run.ts; figures in RELIABILITY.md).
 */
describe('fault suite (short): nothing acknowledged is lost, doubled or stuck', () => {
  let report: ChaosReport;

  beforeAll(async () => {
    report = await runChaos({
      n: 24,
      lanes: 3,
      paceMs: 1500,
      faultGapMs: [1000, 3000],
      serviceDownMs: [300, 1500],
      ferretBackend: 'sqlite',
      drainMs: 180_000,
      log: process.env.CHAOS_VERBOSE ? (line) => process.stderr.write(`[chaos] ${line}\n`) : undefined,
    });
    if (process.env.CHAOS_VERBOSE) process.stderr.write(`${summarize(report)}\n`);
  }, 420_000);

  it('injected every kind of fault while complaints came in on every channel', () => {
    expect(new Set(report.faults.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
    expect(report.submitted).toEqual({ hotline: 6, email: 6, livechat: 6, postal: 6 });
  });

  it('acknowledged every complaint (clients retry what got no answer) and made each exactly one case', () => {
    expect(report.notAcknowledged).toEqual([]);
    expect(report.acknowledged).toBe(24);
    expect({ lost: report.lost, duplicated: report.duplicated, numberMismatch: report.numberMismatch }).toEqual({
      lost: [],
      duplicated: [],
      numberMismatch: [],
    });
    expect(report.cases).toBe(24);
  });

  it('left nothing stuck: queues drained, outbox empty, every letter read, no dead letters', () => {
    expect(report.stuck).toMatchObject({ drained: true, pendingOutbox: 0, lettersUnread: 0 });
    expect(report.deadLetters).toEqual([]);
    expect(report.failedJobs).toEqual([]);
  });

  it('sent every receipt once: one mail per email and postal complaint, one chat receipt per conversation', () => {
    expect(report.receipts).toMatchObject({ expected: 12, sent: 12, missing: [], duplicated: [], chatMissing: [], chatDuplicated: [] });
  });
});
