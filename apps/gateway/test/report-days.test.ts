import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { IntakeEnvelope } from '@cg/contracts';
import {
  buildCaseReport,
  CaseLifecycle,
  emptyReportSums,
  rebuildReportDays,
  reportFromDays,
  reportRange,
  reportSumsByDay,
  vietnamDay,
  type CaseActor,
  type CaseClassification,
  type CaseReportRow,
  type ReportSums,
} from '@cg/core';
import { RedisCaseLock } from '@cg/queue';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/**
 * The reports' daily totals (report_days) on the real stack: after every kind of case write —
 * intake, answer, close, survey, reopen, merge — and after concurrent writers on one day, the
 * stored totals equal the totals rebuilt from the cases (`cli reports:rebuild`'s fold), and the
 * report built from them equals the report built from the cases' rows.
 */
describe('report days: the daily totals the CaseLifecycle keeps', () => {
  let stack: TestStack;
  let redis: Redis;
  const tokens = {} as Record<'operator' | 'agent' | 'staff', string>;
  const agent: CaseActor = { kind: 'staff', id: 'agent-1', name: 'Agent', role: 'cs_agent' };
  const operator: CaseActor = { kind: 'staff', id: 'op-1', name: 'Operator', role: 'hotline_operator' };

  beforeAll(async () => {
    stack = await startTestStack();
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    tokens.operator = await stack.tokenFor('hotline_operator');
    tokens.agent = await stack.tokenFor('cs_agent');
    tokens.staff = await stack.tokenFor('department_staff', 'hosting');
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.close();
  });

  const lock = () => new RedisCaseLock(redis, { prefix: stack.prefix });

  async function hostingCall(phone = '0912000333'): Promise<string> {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: tokens.operator,
      json: {
        caller: { name: 'Lê Văn Tám', phone },
        notes: 'Hosting báo lỗi 500, website không truy cập được.',
        callId: `rd-${randomUUID()}`,
      },
    });
    expect(res.status).toBe(202);
    const caseNumber = res.body.caseNumber as string;
    await waitFor(`case ${caseNumber}`, async () => {
      const r = await stack.api(`/api/v1/cases/${caseNumber}`, { token: tokens.operator });
      return r.status === 200 && r.body.status === 'routed' ? r.body : undefined;
    });
    return caseNumber;
  }

  async function act(caseNumber: string, path: string, token: string, json: unknown = {}) {
    const res = await stack.api(`/api/v1/cases/${caseNumber}/${path}`, { method: 'POST', token, json });
    expect({ path, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ path, status: 200, body: undefined });
  }

  /** Sums in one order (tallies by key, lists sorted): equal totals compare equal. */
  function normal(s: ReportSums): ReportSums {
    const tallies = (t: ReportSums['channels']) => [...t].sort((a, b) => a.key.localeCompare(b.key));
    return {
      ...s,
      channels: tallies(s.channels),
      departments: tallies(s.departments),
      weeks: tallies(s.weeks),
      rootCauses: tallies(s.rootCauses),
      ratings: tallies(s.ratings),
      answerMs: [...s.answerMs].sort((a, b) => a - b),
      open: [...s.open].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      early: {
        answerMs: [...s.early.answerMs].sort((a, b) => a - b),
        open: [...s.early.open]
          .map((o) => JSON.stringify(o))
          .sort()
          .map((o) => JSON.parse(o) as ReportSums['open'][number]),
      },
    };
  }

  /** Days with their sums, days whose sums are empty left out. */
  function byDay(entries: Iterable<[string, ReportSums]>): Record<string, ReportSums> {
    const empty = JSON.stringify(emptyReportSums());
    const out: Record<string, ReportSums> = {};
    for (const [day, sums] of entries) if (JSON.stringify(normal(sums)) !== empty) out[day] = normal(sums);
    return out;
  }

  async function storedTotals(): Promise<Record<string, ReportSums>> {
    const days = await stack.db.cases.reportDays.findDays(await stack.db.cases.reportDays.storedDays());
    return byDay(days.map((d) => [d.day, d.sums] as [string, ReportSums]));
  }

  async function rebuiltTotals(): Promise<Record<string, ReportSums>> {
    return byDay(await reportSumsByDay(stack.db.cases.allReportRows()));
  }

  async function rows(): Promise<CaseReportRow[]> {
    const out: CaseReportRow[] = [];
    for await (const row of stack.db.cases.allReportRows()) out.push(row);
    return out;
  }

  it('after receive, answer, close, survey, reopen and merge the totals equal a rebuild from the cases', async () => {
    const [answered, resolved, duplicate, survivor, waiting] = [
      await hostingCall(),
      await hostingCall(),
      await hostingCall(),
      await hostingCall(),
      await hostingCall(),
    ];
    await act(answered, 'claim', tokens.staff);
    await act(answered, 'report', tokens.staff, { findings: 'Máy chủ quá tải', cause: 'Hết RAM', remedy: 'Nâng cấp gói' });
    await act(answered, 'answer', tokens.agent, { text: 'Kính gửi quý khách, chúng tôi đã nâng cấp máy chủ.' });
    await act(answered, 'deliver', tokens.agent);
    await act(answered, 'close', tokens.agent, {
      rootCause: 'billing_error',
      lessonLearned: 'Theo dõi tài nguyên',
      customerAccepted: true,
    });
    await new CaseLifecycle({ store: stack.db.cases, lock: lock() }).survey(answered, { kind: 'customer' }, { rating: 5 });
    await act(resolved, 'resolve-on-contact', tokens.operator, { note: 'Khách đồng ý khởi động lại dịch vụ' });
    await act(resolved, 'close', tokens.agent, { rootCause: 'staff_error', lessonLearned: 'Hướng dẫn lại', customerAccepted: true });
    await act(resolved, 'reopen', tokens.agent, { reason: 'Website lại lỗi' });
    await act(duplicate, 'merge', tokens.agent, { into: survivor, reason: 'Cùng một sự cố' });
    await act(waiting, 'claim', tokens.staff);

    const today = vietnamDay(new Date());
    const stored = await storedTotals();
    expect(stored).toEqual(await rebuiltTotals());
    // The merged duplicate left the totals: four cases, one of them answered-then-reopened and open again.
    expect(stored[today]).toMatchObject({ cases: 4, rootCauses: [{ key: 'billing_error', count: 1 }], ratings: [{ key: '5', count: 1 }] });
    expect(stored[today]!.open.reduce((n, o) => n + o.count, 0)).toBe(3);
    expect(stored[today]!.answerMs).toHaveLength(2);

    // The page's report from the totals is the report from the cases' rows.
    const range = reportRange(vietnamDay(new Date(Date.now() - 6 * 86_400_000)), today);
    const now = new Date();
    expect(await reportFromDays(stack.db.cases.reportDays, range, now)).toEqual(buildCaseReport(await rows(), range, now));

    // A day whose totals went wrong (a failed write) is repaired by the rebuild (`cli reports:rebuild`).
    const [day] = await stack.db.cases.reportDays.findDays([today]);
    expect(await stack.db.cases.reportDays.putIfVersion(today, day!.version, emptyReportSums(), 'broken')).toBe(true);
    expect(await storedTotals()).not.toEqual(await rebuiltTotals());
    expect(await rebuildReportDays(stack.db.cases.allReportRows(), { store: stack.db.cases.reportDays, lock: lock() })).toMatchObject({
      cases: 4,
    });
    expect(await storedTotals()).toEqual(await rebuiltTotals());
  }, 180_000);

  it('cases received and closed concurrently by several writers on the same day: the day equals the rebuild', async () => {
    // The deadlines of a real intake, reused for cases received directly by several writers.
    const model = (await stack.db.cases.findByCaseNumber(await hostingCall('0912000444')))!;
    const classification: CaseClassification = {
      department: 'hosting',
      bestGuess: 'hosting',
      confidence: 0.9,
      abstained: false,
      method: 'rules',
      evidence: ['lỗi 500'],
      priority: 'normal',
      urgencyFlags: [],
    };
    const lifecycles = Array.from({ length: 4 }, () => new CaseLifecycle({ store: stack.db.cases, lock: lock() }));
    const n = 36;
    const caseNumbers = Array.from({ length: n }, (_, i) => `RD26-${String(i + 1).padStart(5, '0')}`);
    await Promise.all(
      caseNumbers.map((caseNumber, i) => {
        const envelope: IntakeEnvelope = {
          schemaVersion: 1,
          caseNumber,
          channel: i % 3 === 0 ? 'livechat' : 'hotline',
          idempotencyKey: `rd-concurrent-${caseNumber}`,
          customer: { name: 'Nguyễn Thị Hoa', phone: '0912000555' },
          bodyText: 'Hosting báo lỗi 500, website không truy cập được.',
          attachments: [],
          receivedAt: new Date().toISOString(),
          rawRef: `test:${caseNumber}`,
          resolvedOnContact: false,
        };
        return lifecycles[i % 4]!.receive(envelope, classification, model.deadlines, caseNumber);
      }),
    );
    // Two thirds answered on contact and closed, each through another writer than the one that received it.
    await Promise.all(
      caseNumbers.map(async (caseNumber, i) => {
        if (i % 3 === 2) return;
        await lifecycles[(i + 1) % 4]!.resolveOnContact(caseNumber, operator, { note: 'Đã hướng dẫn khách' });
        await lifecycles[(i + 2) % 4]!.close(caseNumber, agent, {
          rootCause: i % 2 ? 'staff_error' : 'billing_error',
          lessonLearned: '-',
          customerAccepted: true,
        });
      }),
    );

    const today = vietnamDay(new Date());
    const stored = await storedTotals();
    const rebuilt = await rebuiltTotals();
    expect(stored[today]).toEqual(rebuilt[today]);
    expect(stored).toEqual(rebuilt);
    expect(rebuilt[today]!.cases).toBeGreaterThanOrEqual(n + 1);
    expect(rebuilt[today]!.rootCauses.reduce((sum, t) => sum + t.count, 0)).toBeGreaterThanOrEqual(24);
  }, 180_000);
});
