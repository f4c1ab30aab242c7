import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CaseLifecycle, isoWeekInVietnam, median, vietnamDay } from '@cg/core';
import { RedisCaseLock } from '@cg/queue';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/**
 * The reports on the real stack (Redis, FerretDB, workers): cases made by the hotline intake and
 * walked through the lifecycle's routes; the report's figures and CSVs checked against them;
 * bad queries (400 naming the field) and roles without `reports:read` (403).
 */
describe('reports: GET /api/v1/reports and its CSV tables', () => {
  let stack: TestStack;
  let redis: Redis;
  const tokens = {} as Record<'operator' | 'agent' | 'staff' | 'supervisor' | 'admin', string>;
  const DAY = 86_400_000;
  const today = vietnamDay(new Date());
  const yesterday = vietnamDay(new Date(Date.now() - DAY));
  const twoDaysAgo = vietnamDay(new Date(Date.now() - 2 * DAY));

  beforeAll(async () => {
    stack = await startTestStack();
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    tokens.operator = await stack.tokenFor('hotline_operator');
    tokens.agent = await stack.tokenFor('cs_agent');
    tokens.staff = await stack.tokenFor('department_staff', 'hosting');
    tokens.supervisor = await stack.tokenFor('supervisor');
    tokens.admin = await stack.tokenFor('admin');
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.close();
  });

  async function hostingCall(): Promise<string> {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: tokens.operator,
      json: {
        caller: { name: 'Phạm Thu', phone: '0912000222' },
        notes: 'Hosting báo lỗi 500, website không truy cập được.',
        callId: `r-${randomUUID()}`,
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
    return res.body;
  }

  const report = (query: string, token = tokens.supervisor) => stack.api(`/api/v1/reports?${query}`, { token });
  const csv = (table: string, query: string, token = tokens.supervisor) =>
    fetch(`${stack.url}/api/v1/reports/${table}.csv?${query}`, { headers: { authorization: `Bearer ${token}` } });

  it('counts the cases walked through intake and the lifecycle, and serves each table as CSV', async () => {
    const [answered, resolved, waiting, claimed] = [await hostingCall(), await hostingCall(), await hostingCall(), await hostingCall()];

    // Answered and closed through the procedure: claim → report → answer → deliver → close; then a survey.
    await act(answered, 'claim', tokens.staff);
    await act(answered, 'report', tokens.staff, { findings: 'Máy chủ quá tải', cause: 'Hết RAM', remedy: 'Nâng cấp gói' });
    await act(answered, 'answer', tokens.agent, { text: 'Kính gửi quý khách, chúng tôi đã nâng cấp máy chủ.' });
    await act(answered, 'deliver', tokens.agent);
    await act(answered, 'close', tokens.agent, {
      rootCause: 'billing_error',
      lessonLearned: 'Theo dõi tài nguyên',
      customerAccepted: true,
    });
    const lifecycle = new CaseLifecycle({ store: stack.db.cases, lock: new RedisCaseLock(redis, { prefix: stack.prefix }) });
    await lifecycle.survey(answered, { kind: 'customer' }, { rating: 4, comment: 'Ổn' });
    // Resolved during the call, then closed with another cause.
    await act(resolved, 'resolve-on-contact', tokens.operator, { note: 'Khách đồng ý khởi động lại dịch vụ' });
    await act(resolved, 'close', tokens.agent, { rootCause: 'staff_error', lessonLearned: 'Hướng dẫn lại', customerAccepted: true });
    // Still open: one waiting in the queue, one claimed.
    await act(claimed, 'claim', tokens.staff);

    // The facts the reports read are on the stored case (top level), not in the API's view of it.
    const stored = (await stack.db.cases.findByCaseNumber(answered))!;
    expect(stored).toMatchObject({
      answeredWithinTarget: true,
      answeredWithinCap: true,
      rootCauseCategory: 'billing_error',
      surveyRatings: [4],
    });
    expect(stored.firstAnsweredAt).toEqual(stored.answeredAt);
    expect(stored.targetDueAt).toEqual(stored.deadlines.target.dueAt);
    const view = (await stack.api(`/api/v1/cases/${answered}`, { token: tokens.supervisor })).body;
    expect(view.firstAnsweredAt).toBeUndefined();
    expect(view.surveyRatings).toBeUndefined();

    const hours = await Promise.all(
      [answered, resolved].map(async (n) => {
        const c = (await stack.db.cases.findByCaseNumber(n))!;
        return (new Date(c.answeredAt!).getTime() - new Date(c.receivedAt).getTime()) / 3_600_000;
      }),
    );
    const weeks = [...new Set([yesterday, today].map((d) => isoWeekInVietnam(new Date(`${d}T12:00:00+07:00`))))];
    const thisWeek = isoWeekInVietnam(new Date());

    const res = await report(`from=${yesterday}&to=${today}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      range: { from: yesterday, to: today, timeZone: 'Asia/Ho_Chi_Minh' },
      cases: 4,
      volume: {
        byChannel: [
          { key: 'hotline', count: 4 },
          { key: 'email', count: 0 },
          { key: 'livechat', count: 0 },
          { key: 'postal', count: 0 },
        ],
        byDepartment: [{ key: 'hosting', count: 4 }],
        byWeek: weeks.map((key) => ({ key, count: key === thisWeek ? 4 : 0 })),
      },
      deadlines: [
        { deadline: 'target', answeredWithin: 2, answeredLate: 0, openOverdue: 0, openNotDue: 2, decided: 2, share: 1 },
        { deadline: 'cap', answeredWithin: 2, answeredLate: 0, openOverdue: 0, openNotDue: 2, decided: 2, share: 1 },
      ],
      breaches: [
        { deadline: 'target', answeredLate: 0, openOverdue: 0, total: 0 },
        { deadline: 'cap', answeredLate: 0, openOverdue: 0, total: 0 },
      ],
      timeToAnswer: { answered: 2, medianHours: Math.round(median(hours)! * 100) / 100 },
      rootCauses: [
        { category: 'billing_error', count: 1, share: 0.5 },
        { category: 'staff_error', count: 1, share: 0.5 },
      ],
      satisfaction: { responses: 1, averageRating: 4 },
    });
    expect(res.body.openByAge.find((b: { bucket: string }) => b.bucket === '0-1d').count).toBe(2);
    expect(res.body.openByAge.reduce((sum: number, b: { count: number }) => sum + b.count, 0)).toBe(2);
    expect(waiting).toBeTruthy();

    // Each table as CSV: UTF-8 with BOM, a header, the same figures.
    const rootCauses = await csv('root-causes', `from=${yesterday}&to=${today}`);
    expect(rootCauses.status).toBe(200);
    expect(rootCauses.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(rootCauses.headers.get('content-disposition')).toBe(`attachment; filename="bao-cao-root-causes-${yesterday}-${today}.csv"`);
    const bytes = Buffer.from(await rootCauses.arrayBuffer()); // (text() would drop the BOM)
    expect(bytes.toString('utf8')).toBe(
      '\uFEFF"root_cause","closed_cases","share"\r\n"billing_error","1","0.5"\r\n"staff_error","1","0.5"\r\n',
    );
    const byChannel = await (await csv('volume-by-channel', `from=${yesterday}&to=${today}`)).text();
    expect(byChannel.split('\r\n').slice(0, 2)).toEqual(['"channel","cases"', '"hotline","4"']);
    const satisfaction = await (await csv('satisfaction', `from=${yesterday}&to=${today}`)).text();
    expect(satisfaction).toContain('"4","1"\r\n"5","0"\r\n"all","1"\r\n"average","4"');

    // A range without the cases: zero.
    const before = await report('from=2020-01-01&to=2020-01-31');
    expect(before.status).toBe(200);
    expect(before.body.cases).toBe(0);
    expect(before.body.volume.byWeek[0]).toEqual({ key: '2020-W01', count: 0 });

    // Reopened: back to work; the first answer still counts for the deadlines, the root cause no longer.
    await act(answered, 'reopen', tokens.agent, { reason: 'Website lại lỗi' });
    const again = await report(`from=${twoDaysAgo}&to=${today}`); // another range: not the minute-old report
    expect(again.status).toBe(200);
    expect(again.body.deadlines[0]).toMatchObject({ answeredWithin: 2, openNotDue: 2 });
    expect(again.body.rootCauses).toEqual([{ category: 'staff_error', count: 1, share: 1 }]);
    expect(again.body.openByAge.reduce((sum: number, b: { count: number }) => sum + b.count, 0)).toBe(3);
    expect(again.body.satisfaction.responses).toBe(1);
  }, 120_000);

  it('admins too; other roles 403; no token 401', async () => {
    expect((await report(`from=${today}&to=${today}`, tokens.admin)).status).toBe(200);
    expect((await csv('breaches', `from=${today}&to=${today}`, tokens.admin)).status).toBe(200);
    for (const token of [tokens.operator, tokens.agent, tokens.staff]) {
      const r = await report(`from=${today}&to=${today}`, token);
      expect(r.status).toBe(403);
      expect(r.body.detail).toMatch(/reports:read/);
      expect((await csv('breaches', `from=${today}&to=${today}`, token)).status).toBe(403);
    }
    expect((await fetch(`${stack.url}/api/v1/reports`)).status).toBe(401);
  });

  it('400 naming each bad field', async () => {
    const fields = async (query: string) => {
      const r = await report(query);
      expect(r.status).toBe(400);
      return [...new Set(r.body.errors.map((e: { field: string }) => e.field))];
    };
    expect(await fields('from=2026-02-30&to=2026-03-01')).toEqual(['from']);
    expect(await fields('from=yesterday&to=03/01/2026')).toEqual(['from', 'to']);
    expect(await fields('from=2026-03-10&to=2026-03-01')).toEqual(['to']);
    expect(await fields('from=2024-01-01&to=2025-12-31')).toEqual(['from']); // over 366 days
    expect(await fields('from=2026-03-01&department=hosting')).toEqual(['(query)']);
    const badTable = await csv('everything', `from=${today}&to=${today}`);
    expect(badTable.status).toBe(400);
    const problem = (await badTable.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field)).toEqual(['table']);
    // Defaults: the last 30 days to today.
    const defaults = await report('');
    expect(defaults.status).toBe(200);
    expect(defaults.body.range.to).toBe(today);
    expect(defaults.body.range.from).toBe(vietnamDay(new Date(Date.now() - 29 * DAY)));
  });
});
