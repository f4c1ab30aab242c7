import { randomUUID } from 'node:crypto';
import { waitFor, startTestStack, TEST_PASSWORD, type TestStack } from '@cg/testing';

const call = (over: Record<string, unknown> = {}) => ({
  caller: { name: 'Nguyễn Văn An', phone: '0912 345 678', email: 'an@example.vn' },
  notes: 'Khách báo tên miền anvan.vn đã hết hạn dù đã thanh toán gia hạn tuần trước.',
  callId: `call-${randomUUID()}`,
  ...over,
});

describe('hotline call notes become routed cases', () => {
  let stack: TestStack;
  let operator: string;

  beforeAll(async () => {
    stack = await startTestStack();
    operator = await stack.tokenFor('hotline_operator');
  });
  afterAll(() => stack.close());

  const routedCase = (caseNumber: string, token = operator) =>
    waitFor(`case ${caseNumber} to be routed`, async () => {
      const res = await stack.api(`/api/v1/cases/${caseNumber}`, { token });
      return res.status === 200 ? res.body : undefined;
    });

  it('answers 202 with a case number, and the case is routed with deadlines and a journal', async () => {
    const body = call();
    const res = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator, json: body });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ callId: body.callId, duplicate: false, status: 'accepted' });
    expect(res.body.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    expect(res.headers.get('location')).toBe(`/api/v1/cases/${res.body.caseNumber}`);

    const c = await routedCase(res.body.caseNumber);
    expect(c).toMatchObject({
      caseNumber: res.body.caseNumber,
      channel: 'hotline',
      status: 'routed',
      department: 'domain',
      customer: { name: 'Nguyễn Văn An', phone: '0912 345 678', email: 'an@example.vn' },
      idempotencyKey: body.callId,
      resolvedOnContact: false,
    });
    expect(c.classification.department).toBe('domain');
    expect(c.classification.confidence).toBeGreaterThan(0);
    expect(new Date(c.deadlines.target.dueAt).getTime()).toBeGreaterThan(new Date(c.receivedAt).getTime());
    expect(new Date(c.deadlines.cap.dueAt).getTime()).toBeGreaterThan(new Date(c.deadlines.target.dueAt).getTime());
    expect(c.journal.map((j: { type: string }) => j.type)).toEqual(['received', 'classified', 'routed']);
    expect(c.journal[0].actor).toMatchObject({ kind: 'staff', role: 'hotline_operator' });
  });

  it('gives the same case number for the same callId and creates no second case', async () => {
    const body = call();
    const first = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator, json: body });
    const again = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { ...body, notes: body.notes + ' (gọi lại)' },
    });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.caseNumber).toBe(first.body.caseNumber);
    expect(again.body.duplicate).toBe(true);
    await routedCase(first.body.caseNumber);
    // A third repeat after the case exists still answers the same number.
    const third = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator, json: body });
    expect(third.body.caseNumber).toBe(first.body.caseNumber);
    await stack.workers!.intake.waitUntilReady();
    await waitFor('intake queue to drain', async () => {
      const counts = await stack.queueCounts('intake');
      return counts.active + counts.waiting === 0;
    });
    expect(await stack.db.cases.count({ idempotencyKey: body.callId })).toBe(1);
  });

  it('makes a call id when the operator has none, and returns it for retries', async () => {
    const { callId: _omit, ...body } = call();
    const res = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator, json: body });
    expect(res.status).toBe(202);
    expect(res.body.callId).toMatch(/^srv-[0-9a-f-]{36}$/);
    const retry = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator, json: { ...body, callId: res.body.callId } });
    expect(retry.body.caseNumber).toBe(res.body.caseNumber);
  });

  it('closes a call resolved on the spot and journals it', async () => {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: call({ notes: 'Khách hỏi cách gia hạn tên miền, đã hướng dẫn xong trong cuộc gọi.', resolvedOnCall: true }),
    });
    const c = await routedCase(res.body.caseNumber);
    expect(c.status).toBe('closed');
    expect(c.resolvedOnContact).toBe(true);
    expect(c.journal.at(-1)).toMatchObject({ type: 'resolved_on_contact' });
    expect(c.closedAt).toBeDefined();
  });

  describe('bad input is refused with a problem naming the field, and nothing is enqueued', () => {
    it('400 for a body without notes', async () => {
      // Every job the queue holds, whatever its state: an earlier test's job may still move from active to completed.
      const jobsHeld = async () => Object.values(await stack.queueCounts('intake')).reduce((a, b) => a + b, 0);
      const before = await jobsHeld();
      const { notes: _n, ...body } = call();
      const res = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator, json: body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['notes']);
      expect(await jobsHeld()).toBe(before);
    });

    it('400 naming every bad field, nested ones by path', async () => {
      const res = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token: operator,
        json: { caller: { name: '', phone: 'call me', email: 'not-an-email' }, notes: 'ok notes here', callId: 'has spaces', extra: 1 },
      });
      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(expect.arrayContaining(['caller.name', 'caller.phone', 'caller.email', 'callId']));
      expect(res.body.errors.some((e: { code: string }) => e.code === 'unrecognized_keys')).toBe(true);
    });

    it('400 for malformed JSON', async () => {
      const res = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token: operator,
        headers: { 'content-type': 'application/json' },
        body: '{"caller": ',
      });
      expect(res.status).toBe(400);
      expect(res.body.title).toBe('Malformed JSON body');
    });

    it('401 without a token or with a forged one, 403 for a postal clerk', async () => {
      const noToken = await stack.api('/api/v1/hotline/calls', { method: 'POST', json: call() });
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const forged = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: operator.slice(0, -4) + 'AAAA', json: call() });
      expect(forged.status).toBe(401);
      const clerk = await stack.tokenFor('postal_clerk');
      const wrongRole = await stack.api('/api/v1/hotline/calls', { method: 'POST', token: clerk, json: call() });
      expect(wrongRole.status).toBe(403);
      expect(wrongRole.body.detail).toMatch(/postal_clerk/);
    });
  });

  describe('reading cases', () => {
    let caseNumber: string;
    beforeAll(async () => {
      const res = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token: operator,
        json: call({
          caller: { name: 'Trần Thị Bích', phone: '0987000111' },
          notes: 'Website trên hosting bị lỗi 500 từ sáng, không truy cập được.',
        }),
      });
      caseNumber = res.body.caseNumber;
      await routedCase(caseNumber);
    });

    it('lists with filters, folded search and pagination', async () => {
      const agent = await stack.tokenFor('cs_agent');
      const byDept = await stack.api('/api/v1/cases?department=hosting&status=routed&channel=hotline', { token: agent });
      expect(byDept.status).toBe(200);
      expect(byDept.body.items.map((c: { caseNumber: string }) => c.caseNumber)).toContain(caseNumber);
      expect(byDept.body.items.every((c: { department: string }) => c.department === 'hosting')).toBe(true);

      const folded = await stack.api(`/api/v1/cases?q=${encodeURIComponent('tran thi bich')}`, { token: agent });
      expect(folded.body.items.map((c: { caseNumber: string }) => c.caseNumber)).toEqual([caseNumber]);
      const byNumber = await stack.api(`/api/v1/cases?q=${caseNumber.toLowerCase()}`, { token: agent });
      expect(byNumber.body.items[0].caseNumber).toBe(caseNumber);

      const page1 = await stack.api('/api/v1/cases?pageSize=2&page=1', { token: agent });
      const page2 = await stack.api('/api/v1/cases?pageSize=2&page=2', { token: agent });
      expect(page1.body.items).toHaveLength(2);
      expect(page1.body.total).toBeGreaterThanOrEqual(4);
      expect(page2.body.items[0].caseNumber).not.toBe(page1.body.items[0].caseNumber);
      expect(page1.body.totalPages).toBe(Math.ceil(page1.body.total / 2));
    });

    it('400 names a bad query parameter; 404 for an unknown case', async () => {
      const agent = await stack.tokenFor('cs_agent');
      const bad = await stack.api('/api/v1/cases?status=lost&pageSize=1000', { token: agent });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['pageSize', 'status']);
      expect((await stack.api('/api/v1/cases/KN99-99999', { token: agent })).status).toBe(404);
      expect((await stack.api('/api/v1/cases/not-a-number', { token: agent })).status).toBe(400);
    });

    it('department staff see only their own department', async () => {
      const domainStaff = await stack.tokenFor('department_staff', 'domain');
      expect((await stack.api(`/api/v1/cases/${caseNumber}`, { token: domainStaff })).status).toBe(404);
      expect((await stack.api('/api/v1/cases?department=hosting', { token: domainStaff })).status).toBe(403);
      const own = await stack.api('/api/v1/cases', { token: domainStaff });
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(own.body.items.every((c: { department: string }) => c.department === 'domain')).toBe(true);
      const hostingStaff = await stack.tokenFor('department_staff', 'hosting');
      expect((await stack.api(`/api/v1/cases/${caseNumber}`, { token: hostingStaff })).status).toBe(200);
    });
  });

  describe('sign-in', () => {
    it('rejects a wrong password and a malformed body', async () => {
      await stack.tokenFor('supervisor');
      const wrong = await stack.api('/api/v1/auth/login', {
        method: 'POST',
        json: { email: 'supervisor.all@test.local', password: 'nope' },
      });
      expect(wrong.status).toBe(401);
      const unknown = await stack.api('/api/v1/auth/login', {
        method: 'POST',
        json: { email: 'nobody@test.local', password: TEST_PASSWORD },
      });
      expect(unknown.status).toBe(401);
      const malformed = await stack.api('/api/v1/auth/login', { method: 'POST', json: { email: 'x' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
    });

    it('returns the principal for a valid token', async () => {
      const token = await stack.tokenFor('department_staff', 'billing');
      const me = await stack.api('/api/v1/auth/me', { token });
      expect(me.body.staff).toMatchObject({
        role: 'department_staff',
        department: 'billing',
        email: 'department_staff.billing@test.local',
      });
    });
  });

  it('reports health and readiness', async () => {
    expect((await stack.api('/healthz')).body).toEqual({ status: 'ok' });
    expect((await stack.api('/readyz')).body).toEqual({ status: 'ready', checks: { redis: 'up', mongodb: 'up' } });
  });
});
