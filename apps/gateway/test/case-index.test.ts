import { randomUUID } from 'node:crypto';
import { newCaseDefaults, toCaseIndexRow, type CaseData, type CaseIndexRow } from '@cg/core';
import { decodeCaseListCursor, type CaseIndexFilter, type CaseListSort } from '@cg/db';
import { waitFor, startTestStack, type TestStack } from '@cg/testing';

/*
 * The lists' index (issue 13: `case_index`, one small row per case, what every list reads).
 * The CaseLifecycle keeps each row equal to its case through every action; a list read from the
 * rows walks time buckets (packages/db case-index.ts) and must give every row once, in order,
 * however the rows crowd or thin out in time. Real gateway, workers, Redis and FerretDB.
 */
describe('the lists index: kept by the lifecycle, read in bucket walks', () => {
  let stack: TestStack;
  let operator: string;
  let agent: string;
  let supervisor: string;

  beforeAll(async () => {
    stack = await startTestStack();
    [operator, agent, supervisor] = await Promise.all([
      stack.tokenFor('hotline_operator'),
      stack.tokenFor('cs_agent'),
      stack.tokenFor('supervisor'),
    ]);
  });
  afterAll(() => stack.close());

  /** The row as stored, and the row the case gives now: equal when the index is in step. */
  const rowAndExpected = async (caseNumber: string) => {
    const stored = (await stack.db.cases.findByCaseNumber(caseNumber))!;
    const row = await stack.db.cases.index.get(caseNumber);
    return {
      row: JSON.parse(JSON.stringify(row)) as unknown,
      expected: JSON.parse(JSON.stringify(toCaseIndexRow(stored))) as unknown,
      stored,
    };
  };

  it('every lifecycle action leaves the case index row equal to the case', async () => {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: {
        caller: { name: 'Đỗ Thị Hằng', phone: '0912345678', email: 'Hang.Do@Example.vn' },
        notes: 'Tên miền của tôi đã hết hạn dù đã thanh toán gia hạn tuần trước.',
        callId: `call-${randomUUID()}`,
      },
    });
    expect(res.status).toBe(202);
    const caseNumber = res.body.caseNumber as string;
    await waitFor('the case and its index row', async () => (await stack.db.cases.index.get(caseNumber)) ?? undefined);
    const inStep = async (step: string) => {
      const { row, expected, stored } = await rowAndExpected(caseNumber);
      expect([step, row]).toEqual([step, expected]);
      return stored;
    };
    const received = await inStep('received');
    expect((await stack.db.cases.index.get(caseNumber))!.customerEmail).toBe('hang.do@example.vn');
    const department = received.department;
    const staff = await stack.tokenFor('department_staff', department);
    const post = async (action: string, token: string, json: Record<string, unknown> = {}) => {
      const r = await stack.api(`/api/v1/cases/${caseNumber}/${action}`, { method: 'POST', token, json });
      expect([action, r.status]).toEqual([action, 200]);
      await inStep(action);
    };
    const other = department === 'billing' ? 'hosting' : 'billing';
    await post('verify', agent, { how: 'call', customerRequest: 'Gia hạn lại tên miền' });
    expect((await stack.db.cases.index.get(caseNumber))!.verified).toBe(true);
    await post('claim', staff);
    await post('notes', staff, { text: 'Đang kiểm tra với nhà đăng ký' });
    await post('collaborators', staff, { departments: [other], note: 'Cần kiểm tra thanh toán' });
    expect((await stack.db.cases.index.get(caseNumber))!.visibleTo).toEqual([department, other]);
    await post('escalate', staff, { reason: 'Khách hàng gọi lần thứ ba' });
    await post('release', staff, { reason: 'Chuyển người khác' });
    await post('transfer', supervisor, { department: other, reason: 'Liên quan đến thanh toán' });
    await post('resolve-on-contact', agent, { note: 'Đã gia hạn lại cho khách ngay trong cuộc gọi' });
    await post('close', agent, { rootCause: 'billing_error', lessonLearned: 'Kiểm tra thanh toán trước', customerAccepted: true });
    expect((await stack.db.cases.index.get(caseNumber))!.openOwnerKey).toBe('done');
    await post('reopen', agent, { reason: 'Khách báo tên miền lại bị khóa' });
    const row = (await stack.db.cases.index.get(caseNumber))!;
    expect({ status: row.status, openOwnerKey: row.openOwnerKey, version: row.version }).toEqual({
      status: 'reopened',
      openOwnerKey: 'none',
      version: (await stack.db.cases.findByCaseNumber(caseNumber))!.version,
    });
  });

  it('a row is never replaced by one of an older version, and an intake repeat does not overwrite', async () => {
    const c = synthetic(0, Date.parse('2026-03-02T03:00:00Z'), 'versions');
    await stack.db.cases.index.put({ ...toCaseIndexRow(c), version: 4, status: 'in_progress' });
    await stack.db.cases.index.put({ ...toCaseIndexRow(c), version: 3, status: 'closed' });
    expect((await stack.db.cases.index.get(c.caseNumber))!).toMatchObject({ version: 4, status: 'in_progress' });
    await stack.db.cases.index.put({ ...toCaseIndexRow(c), version: 9, status: 'routed' }, { ifAbsent: true });
    expect((await stack.db.cases.index.get(c.caseNumber))!.version).toBe(4);
    await stack.db.cases.index.put({ ...toCaseIndexRow(c), version: 5, status: 'answered' });
    expect((await stack.db.cases.index.get(c.caseNumber))!).toMatchObject({ version: 5, status: 'answered' });
  });

  it('intake rows written at once (batched): one row per case, a stored row kept, each caller answered', async () => {
    const cases = Array.from({ length: 30 }, (_, i) => ({
      ...synthetic(i, Date.parse('2026-03-03T03:00:00Z') + i * 60_000, 'burst'),
      caseNumber: `BU26-${String(i).padStart(5, '0')}`,
    }));
    await stack.db.cases.index.put({ ...toCaseIndexRow(cases[0]!), version: 7, status: 'in_progress' });
    // Every case's row twice (a repeated intake job), all at once: the batch holds duplicates of its own.
    await Promise.all(
      [...cases, ...cases].map((c, i) => stack.db.cases.index.put({ ...toCaseIndexRow(c), version: i < 30 ? 1 : 2 }, { ifAbsent: true })),
    );
    const stored = await Promise.all(cases.map((c) => stack.db.cases.index.get(c.caseNumber)));
    expect(stored.map((r) => r?._id)).toEqual(cases.map((c) => c.caseNumber));
    expect(stored[0]).toMatchObject({ version: 7, status: 'in_progress' });
    expect(new Set(stored.slice(1).map((r) => r!.version))).toEqual(new Set([1]));
  });

  describe('pages read from the index', () => {
    jest.setTimeout(240_000); // a few hundred pages of probes on shared cores (not a timing assertion)
    const DEPT = 'walktest';
    const rows: CaseIndexRow[] = [];
    const hour = 3_600_000;
    const now = Date.now();

    beforeAll(async () => {
      const times: number[] = [];
      // A crowd: 200 cases in one 8.5-minute bucket (more than a probe reads), the newest.
      for (let i = 0; i < 200; i++) times.push(Math.floor(now / 512_000) * 512_000 - 1 + (i % 50) - i * 1000);
      // A spread: 300 cases over two years, thinning out with age; a few identical instants (ties).
      for (let i = 0; i < 300; i++) times.push(now - Math.floor(((i * i) / 90_000) * 730 * 24 * hour) - 3 * hour);
      for (let i = 0; i < 5; i++) times.push(now - 40 * 24 * hour);
      times.forEach((t, i) => rows.push(toCaseIndexRow(synthetic(i + 1, t, DEPT))));
      // A receipt dated years ahead of its storing: sorted at its storing.
      const ahead = synthetic(999, Date.parse('2031-01-01T00:00:00Z'), DEPT);
      rows.push(toCaseIndexRow({ ...ahead, createdAt: new Date(now - 2 * hour), updatedAt: new Date(now) }));
      // The old and the slow: the same rows through the repository, whatever the order of writes.
      for (const r of [...rows].reverse()) await stack.db.cases.index.put(r);
    });

    /** Every page of a list through the repository, as the route reads it. */
    const walk = async (filter: CaseIndexFilter, sort: CaseListSort, pageSize: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const decoded = cursor ? decodeCaseListCursor(cursor) : null;
        const page = await stack.db.cases.list(filter, { limit: pageSize, sort, ...(decoded ? { cursor: decoded } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(pageSize);
        seen.push(...page.items.map((i) => i.caseNumber));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 500);
      return seen;
    };
    const expected = (keep: (r: CaseIndexRow) => boolean, sort: CaseListSort) =>
      rows
        .filter(keep)
        .sort((a, b) => {
          const [ka, kb] = sort === 'received' ? [b.sortReceivedAt, a.sortReceivedAt] : [a.dueAt, b.dueAt];
          const d = ka.getTime() - kb.getTime();
          const byId = a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
          return d || (sort === 'received' ? -byId : byId);
        })
        .map((r) => r.caseNumber);

    it('newest first and most urgent first: every case once, in order, across crowded and sparse buckets', async () => {
      for (const sort of ['received', 'deadline'] as const) {
        for (const pageSize of [7, 40]) {
          expect([sort, pageSize, await walk({ department: DEPT }, sort, pageSize)]).toEqual([sort, pageSize, expected(() => true, sort)]);
        }
      }
      expect(await walk({ department: DEPT }, 'received', 500)).toContain('WT31-00999');
    });

    it('filters and the search narrow the walk and give the same cases as the rows say', async () => {
      expect(await walk({ department: DEPT, channel: 'email' }, 'received', 9)).toEqual(expected((r) => r.channel === 'email', 'received'));
      expect(await walk({ department: DEPT, status: 'closed', escalated: false }, 'deadline', 11)).toEqual(
        expected((r) => r.status === 'closed' && !r.escalated, 'deadline'),
      );
      const words = (r: CaseIndexRow) => [...r.terms0, ...r.terms1, ...r.terms2, ...r.terms3];
      expect(await walk({ department: DEPT, q: 'nguyen hoan tien' }, 'received', 5)).toEqual(
        expected((r) => ['nguyen', 'hoan', 'tien'].every((w) => words(r).includes(w)), 'received'),
      );
      expect(await stack.db.cases.index.count({ department: DEPT, q: 'nguyen hoan tien' })).toBe(
        rows.filter((r) => ['nguyen', 'hoan', 'tien'].every((w) => words(r).includes(w))).length,
      );
      expect((await stack.db.cases.list({ q: 'wt26-00017' }, { limit: 20 })).items.map((i) => i.caseNumber)).toEqual(['WT26-00017']);
    });

    it('page numbers (offset) give the same pages as the cursor', async () => {
      const all = expected(() => true, 'received');
      const third = await stack.db.cases.list({ department: DEPT }, { limit: 25, offset: 50, count: true });
      expect(third.items.map((i) => i.caseNumber)).toEqual(all.slice(50, 75));
      expect(third.total).toBe(rows.length);
    });
  });
});

/** A case as the intake would store it, for index rows only (no case document is written). */
function synthetic(i: number, receivedAtMs: number, department: string): CaseData & { createdAt: Date; updatedAt: Date } {
  const receivedAt = new Date(receivedAtMs);
  const dueAt = i % 17 === 0 ? undefined : new Date(receivedAtMs + (i % 9) * 86_400_000);
  const name = ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Hoàng Nam'][i % 3]!;
  const body = ['Yêu cầu hoàn tiền gói dịch vụ chưa được xử lý', 'Website không truy cập được'][i % 2]!;
  const status = (['routed', 'in_progress', 'closed', 'answered'] as const)[i % 4]!;
  return {
    ...newCaseDefaults(),
    caseNumber: `WT${String(receivedAt.getUTCFullYear()).slice(2)}-${String(i).padStart(5, '0')}`,
    channel: (['hotline', 'email', 'postal', 'livechat'] as const)[i % 4]!,
    idempotencyKey: `walk-${i}`,
    status,
    department,
    priority: 'normal',
    customer: { name },
    subject: body,
    bodyText: body,
    attachments: [],
    receivedAt,
    rawRef: `test:${i}`,
    resolvedOnContact: false,
    classification: {
      department,
      bestGuess: department,
      confidence: 1,
      abstained: false,
      method: 'rules',
      evidence: [],
      classifiedAt: receivedAt,
    },
    deadlines: (dueAt
      ? { target: { dueAt, dueDate: dueAt.toISOString().slice(0, 10), workingDays: 5 }, cap: { dueAt, dueDate: '' } }
      : {}) as CaseData['deadlines'],
    searchText: `${name} ${body}`,
    journal: [],
    escalated: i % 5 === 0,
    createdAt: receivedAt,
    updatedAt: receivedAt,
  };
}
