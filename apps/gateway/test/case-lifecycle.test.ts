import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { STAFF_ROLES } from '@cg/contracts';
import { CaseLifecycle, hasPermission, hashPassword, type CaseActor, type CaseStore } from '@cg/core';
import { RedisCaseLock } from '@cg/queue';
import { startTestStack, TEST_PASSWORD, waitFor, type TestStack } from '@cg/testing';
import { CASE_ACTION_ROUTES } from '../src/routes/case-actions.routes';

/**
 * Steps 2–5 through the API on the real Redis and FerretDB: one owner per case (the CaseLifecycle
 * serialises every change of a case with a Redis lease and a version check), so concurrent
 * claims give exactly one owner and concurrent notes are all kept.
 */
/** The text of a PDF, by poppler's pdftotext (an independent reader). */
function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pdftotext', ['-enc', 'UTF-8', '-', '-']);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pdftotext exited with ${code}`))));
    child.stdin.end(pdf);
  });
}

describe('the case lifecycle: one owner, serialised per case', () => {
  let stack: TestStack;
  let operator: string;
  let redis: Redis;

  beforeAll(async () => {
    // Fifty staff members sign in at once below: lift the per-address sign-in limit for this stack.
    stack = await startTestStack({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
    operator = await stack.tokenFor('hotline_operator');
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.close();
  });

  async function hostingCase(notes = 'Hosting báo lỗi 500, website không truy cập được.') {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Trần Bình', phone: '0911000111' }, notes, callId: `c-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    const c = await waitFor(`case ${res.body.caseNumber}`, async () => {
      const r = await stack.api(`/api/v1/cases/${res.body.caseNumber}`, { token: operator });
      return r.status === 200 ? r.body : undefined;
    });
    expect(c).toMatchObject({ status: 'routed', department: 'hosting', version: 0, owner: null });
    return c as { caseNumber: string; version: number; deadlines: { target: { dueDate: string } } };
  }

  /** `n` department staff members of one department, signed in (distinct people, distinct tokens). */
  async function departmentStaff(n: number, department: string): Promise<string[]> {
    const passwordHash = await hashPassword(TEST_PASSWORD);
    const emails = Array.from({ length: n }, (_, i) => `staff${i}.${department}.${randomUUID().slice(0, 6)}@test.local`);
    for (const [i, email] of emails.entries()) {
      await stack.db.staffUsers.create({ email, displayName: `Nhân viên ${i}`, passwordHash, role: 'department_staff', department });
    }
    return Promise.all(
      emails.map(async (email) => {
        const res = await stack.api('/api/v1/auth/login', { method: 'POST', json: { email, password: TEST_PASSWORD } });
        expect(res.status).toBe(200);
        return res.body.token as string;
      }),
    );
  }

  it('50 concurrent claims of one case: exactly one owner, 49 × 409 naming the state', async () => {
    const c = await hostingCase();
    const tokens = await departmentStaff(50, 'hosting');
    const results = await Promise.all(
      tokens.map((token) => stack.api(`/api/v1/cases/${c.caseNumber}/claim`, { method: 'POST', token, json: {} })),
    );
    const won = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) {
      expect(r.body).toMatchObject({ status: 409, state: 'in_progress', action: 'claim' });
      expect(r.body.allowedActions).toEqual(expect.arrayContaining(['release', 'report', 'note', 'transfer']));
    }
    const after = (await stack.api(`/api/v1/cases/${c.caseNumber}`, { token: operator })).body;
    expect(after.status).toBe('in_progress');
    expect(after.owner).toEqual(won[0]!.body.owner);
    expect(after.journal.filter((j: { type: string }) => j.type === 'claimed')).toHaveLength(1);
    expect(after.version).toBe(c.version + 1);
  }, 120_000);

  it('50 concurrent internal notes: all 50 kept, each once', async () => {
    const c = await hostingCase();
    const tokens = await departmentStaff(5, 'hosting');
    const texts = Array.from({ length: 50 }, (_, i) => `ghi chú nội bộ #${i}`);
    const results = await Promise.all(
      texts.map((text, i) =>
        stack.api(`/api/v1/cases/${c.caseNumber}/notes`, { method: 'POST', token: tokens[i % tokens.length]!, json: { text } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(texts.map(() => 200));
    const journal = await stack.api(`/api/v1/cases/${c.caseNumber}/journal`, { token: operator });
    expect(journal.status).toBe(200);
    const notes = journal.body.items.filter((j: { type: string }) => j.type === 'note').map((j: { message: string }) => j.message);
    expect(notes.sort()).toEqual([...texts].sort());
    expect(journal.body.version).toBe(c.version + 50);
    expect(journal.body.items[0]).toMatchObject({ type: 'received' });
  }, 120_000);

  it('a writer whose lease expired mid-write cannot overwrite the newer version: it retries on the fresh case', async () => {
    const c = await hostingCase();
    const store = stack.db.cases;
    let conflicts = 0;
    let stalled = false;
    // The slow writer: its first write waits (a GC pause, a slow network) until its lease has expired
    // and another writer has changed the case; then its version check fails and it decides again.
    const slowStore: CaseStore = {
      findByCaseNumber: (n) => store.findByCaseNumber(n),
      insertIfAbsent: (d) => store.insertIfAbsent(d),
      updateIfVersion: async (n, v, u) => {
        if (!stalled) {
          stalled = true;
          await new Promise((r) => setTimeout(r, 900));
        }
        const written = await store.updateIfVersion(n, v, u);
        if (!written) conflicts++;
        return written;
      },
    };
    const shortLease = new RedisCaseLock(redis, { prefix: stack.prefix, ttlMs: 300, safetyMs: 0 });
    const slow = new CaseLifecycle({ store: slowStore, lock: shortLease });
    const normal = new CaseLifecycle({ store, lock: new RedisCaseLock(redis, { prefix: stack.prefix }) });
    const actor: CaseActor = { kind: 'staff', id: 'sup-1', name: 'Giám sát', role: 'supervisor' };

    const slowNote = slow.note(c.caseNumber, actor, { text: 'chậm: viết sau khi hết hạn' });
    await new Promise((r) => setTimeout(r, 400)); // the slow writer's lease has expired by now
    const fast = await normal.note(c.caseNumber, actor, { text: 'nhanh: viết trong lúc đó' });
    expect(fast.case.version).toBe(c.version + 1);
    const late = await slowNote;

    expect(conflicts).toBe(1); // the stale write was refused by the version check …
    expect(late.case.version).toBe(c.version + 2); // … and the command was decided again on the fresh case
    const stored = (await store.findByCaseNumber(c.caseNumber))!;
    expect(stored.version).toBe(c.version + 2);
    expect(stored.journal.filter((j) => j.type === 'note').map((j) => j.message)).toEqual([
      'nhanh: viết trong lúc đó',
      'chậm: viết sau khi hết hạn',
    ]);
  }, 60_000);

  it('a write replaced by a racing one (FerretDB v1: both conditional updates "succeed") is noticed and done again', async () => {
    const c = await hostingCase();
    const store = stack.db.cases;
    const raw = stack.db.connection.collection('cases');
    let raced = false;
    const racingStore: CaseStore = {
      findByCaseNumber: (n) => store.findByCaseNumber(n),
      insertIfAbsent: (d) => store.insertIfAbsent(d),
      updateIfVersion: async (n, v, u) => {
        const before = (await raw.findOne({ caseNumber: n }))!;
        const written = await store.updateIfVersion(n, v, u);
        if (!raced) {
          raced = true;
          // Another writer that read the same version writes last and wins: our update is gone.
          const journal = [
            ...(before.journal as unknown[]),
            { id: 'racer', at: new Date(), type: 'note', actor: { kind: 'system' }, message: 'racing writer' },
          ];
          await raw.replaceOne({ caseNumber: n }, { ...before, version: v + 1, journal });
        }
        return written;
      },
    };
    const lifecycle = new CaseLifecycle({ store: racingStore, lock: new RedisCaseLock(redis, { prefix: stack.prefix }) });
    const actor: CaseActor = { kind: 'staff', id: 'sup-1', name: 'Giám sát', role: 'supervisor' };
    const result = await lifecycle.note(c.caseNumber, actor, { text: 'ghi chú phải được giữ' });
    expect(result.case.version).toBe(c.version + 2);
    const stored = (await store.findByCaseNumber(c.caseNumber))!;
    expect(stored.journal.filter((j) => j.type === 'note').map((j) => j.message)).toEqual(['racing writer', 'ghi chú phải được giữ']);
  }, 60_000);

  it('a case stored before versions existed is changed once, then versioned', async () => {
    const c = await hostingCase();
    await stack.db.connection.collection('cases').updateOne({ caseNumber: c.caseNumber }, { $unset: { version: '' } });
    const [staff] = await departmentStaff(1, 'hosting');
    const claimed = await stack.api(`/api/v1/cases/${c.caseNumber}/claim`, { method: 'POST', token: staff!, json: {} });
    expect(claimed.body).toMatchObject({ status: 'in_progress', version: 1 });
  }, 60_000);

  it('walks steps 3–5: claim, note, report, draft, sign-off (returned once), deliver, close with root cause, reopen', async () => {
    const c = await hostingCase();
    const [staff] = await departmentStaff(1, 'hosting');
    const [other] = await departmentStaff(1, 'domain');
    const agent = await stack.tokenFor('cs_agent');
    const supervisor = await stack.tokenFor('supervisor');
    const path = (action: string) => `/api/v1/cases/${c.caseNumber}/${action}`;
    const post = (action: string, token: string, json: unknown = {}) => stack.api(path(action), { method: 'POST', token, json });

    // Permissions and scope: 403 for a role without the permission, 404 for another department's staff.
    expect((await post('claim', operator)).status).toBe(403);
    expect((await post('claim', other!)).status).toBe(404);
    expect((await stack.api(path('journal'), { token: other! })).status).toBe(404);
    // 409 for an action the state does not allow, naming the state and what is allowed.
    const early = await post('close', agent, { rootCause: 'staff_error', lessonLearned: 'x', customerAccepted: true });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ state: 'routed', action: 'close' });
    expect(early.body.allowedActions).toEqual(expect.arrayContaining(['claim', 'assign', 'transfer', 'note']));

    expect((await post('claim', staff!)).body).toMatchObject({ status: 'in_progress', changed: true });
    expect((await post('claim', staff!)).body).toMatchObject({ status: 'in_progress', changed: false }); // a repeat is a no-op
    expect((await post('notes', staff!, { text: 'Đã kiểm tra log máy chủ.' })).status).toBe(200);
    // Bring in another department: its staff now see the case and can add notes, but not take it over.
    const bad = await post('collaborators', staff!, { departments: ['marketing'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('departments');
    expect((await post('collaborators', staff!, { departments: ['domain'] })).body.collaborators).toEqual(['domain']);
    expect((await post('notes', other!, { text: 'DNS của tên miền vẫn đúng.' })).status).toBe(200);
    expect((await post('claim', other!)).status).toBe(403);

    const noCause = await post('report', staff!, { findings: 'PHP 8.3 thiếu extension' });
    expect(noCause.status).toBe(400);
    expect(noCause.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cause', 'remedy']);
    expect(
      (await post('report', staff!, { findings: 'PHP 8.3 thiếu extension', cause: 'nâng cấp máy chủ', remedy: 'đã cài lại extension' }))
        .body.status,
    ).toBe('resolution_reported');

    // A written answer (asked for in writing) waits for a supervisor; nothing is delivered before sign-off.
    expect((await post('answer', agent, { text: 'Kính gửi quý khách, ...', answerInWriting: true })).body.status).toBe(
      'answer_pending_approval',
    );
    const unsigned = await post('deliver', agent, { via: 'postal' });
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.allowedActions).toEqual(expect.arrayContaining(['approve', 'return']));
    expect((await post('answer/approve', agent)).status).toBe(403);
    expect((await post('answer/return', supervisor, { comment: 'Nêu rõ nguyên nhân.' })).body.status).toBe('resolution_reported');
    expect((await post('answer', agent, { text: 'Kính gửi quý khách, nguyên nhân là ...' })).body.status).toBe('answer_pending_approval');
    expect((await post('answer/approve', supervisor)).body).toMatchObject({ status: 'answer_ready', answer: { status: 'ready' } });
    expect((await post('deliver', agent, { via: 'postal' })).body).toMatchObject({ status: 'answered', answer: { status: 'delivered' } });
    // The worker's delivery job puts the signed letter in the postal print queue (journalled once).
    await waitFor('the letter queued for printing', async () =>
      (await stack.api(path('journal'), { token: agent })).body.items.some((j: { type: string }) => j.type === 'answer_delivery_task'),
    );

    const noRootCause = await post('close', agent, { lessonLearned: 'Kiểm tra extension trước khi nâng cấp' });
    expect(noRootCause.status).toBe(400);
    expect(noRootCause.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['customerAccepted', 'rootCause']);
    const closed = await post('close', agent, {
      rootCause: 'our_system_fault',
      lessonLearned: 'Kiểm tra extension trước khi nâng cấp',
      customerAccepted: true,
    });
    expect(closed.body).toMatchObject({ status: 'closed', rootCause: { category: 'our_system_fault', customerAccepted: true } });

    // The customer calls back: an operator reopens it; back to customer support with a new target and new checks.
    expect((await post('reopen', operator, {})).body.errors[0].field).toBe('reason');
    const wrongCaller = await post('reopen', operator, { reason: 'Website lại lỗi 500 sau một ngày.', customerPhone: '0900000000' });
    expect(wrongCaller.status).toBe(400);
    expect(wrongCaller.body.errors[0].field).toBe('customerPhone');
    const reopened = await post('reopen', operator, {
      reason: 'Website lại lỗi 500 sau một ngày.',
      via: 'hotline',
      customerPhone: '091 100 0111',
    });
    expect(reopened.body).toMatchObject({ status: 'reopened', reopenCount: 1, owner: null });
    expect(reopened.body.rootCause).toBeUndefined();
    expect(reopened.body.allowedActions).toEqual(expect.arrayContaining(['verify', 'reclassify', 'assign', 'draft']));
    const deadlines = new Queue('deadlines', { connection: redis, prefix: stack.prefix });
    try {
      await waitFor('the reopened case’s deadline check', async () =>
        (await deadlines.getDelayed()).find(
          (j) =>
            j.data.caseNumber === c.caseNumber &&
            j.data.kind === 'target_due_soon' &&
            j.data.dueDate === reopened.body.deadlines.target.dueDate,
        ),
      );
    } finally {
      await deadlines.close();
    }

    const journal = (await stack.api(path('journal'), { token: agent })).body;
    expect(journal.items.map((j: { type: string }) => j.type)).toEqual([
      'received',
      'classified',
      'routed',
      'claimed',
      'note',
      'collaborators_added',
      'note',
      'resolution_reported',
      'answer_drafted',
      'answer_returned',
      'answer_drafted',
      'answer_approved',
      'answer_delivered',
      'answer_delivery_task',
      'closed',
      'reopened',
    ]);
    const csv = await stack.api(path('journal.csv'), { token: agent });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(journal.items.length + 1);
    expect(lines[0]).toBe('"at","type","actor","actor_name","actor_role","message","data"');
    expect(lines.at(-1)).toContain('"reopened"');
    const pdf = await stack.api(path('journal.pdf'), { token: agent });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.raw.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await pdfText(pdf.raw)).replace(/\s+/g, ' ');
    expect(text).toContain('NHẬT KÝ XỬ LÝ KHIẾU NẠI');
    expect(text).toContain(c.caseNumber);
    expect(text).toContain('Kiểm tra extension trước khi nâng cấp'); // the lesson learned, diacritics intact
    // The old answer and root cause stay readable in the journal.
    expect(journal.items.at(-1).data.previous).toMatchObject({
      rootCause: { category: 'our_system_fault' },
      answer: { status: 'delivered' },
    });
  }, 120_000);

  it('verifies with the customer, transfers with a reason, escalates to supervisors, releases back to the queue', async () => {
    const c = await hostingCase();
    const [staff] = await departmentStaff(1, 'hosting');
    const agent = await stack.tokenFor('cs_agent');
    const post = (action: string, token: string, json: unknown = {}) =>
      stack.api(`/api/v1/cases/${c.caseNumber}/${action}`, { method: 'POST', token, json });
    const toVerify = (await stack.api('/api/v1/cases?verified=false&status=routed&pageSize=100', { token: agent })).body.items;
    expect(toVerify.map((i: { caseNumber: string }) => i.caseNumber)).toContain(c.caseNumber);
    const verified = await post('verify', agent, { how: 'call', customerRequest: 'Khôi phục website trong hôm nay', priority: 'high' });
    expect(verified.body).toMatchObject({
      status: 'routed',
      priority: 'high',
      verification: { how: 'call', customerRequest: 'Khôi phục website trong hôm nay' },
    });
    expect((await post('verify', agent, { how: 'fax' })).body.errors[0].field).toBe('how');
    const stillToVerify = (await stack.api('/api/v1/cases?verified=false&status=routed&pageSize=100', { token: agent })).body.items;
    expect(stillToVerify.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(c.caseNumber);
    await post('claim', staff!);
    const numbers = (r: { body: { items: Array<{ caseNumber: string }> } }) => r.body.items.map((i) => i.caseNumber);
    expect(numbers(await stack.api('/api/v1/cases?owner=me&pageSize=100', { token: staff! }))).toEqual([c.caseNumber]);
    expect((await post('release', agent)).status).toBe(403);
    expect((await post('release', staff!, { reason: 'cần người khác' })).body).toMatchObject({ status: 'routed', owner: null });
    expect(numbers(await stack.api('/api/v1/cases?owner=me', { token: staff! }))).toEqual([]);
    const queue = await stack.api('/api/v1/cases?owner=none&sort=deadline&pageSize=100', { token: staff! });
    expect(numbers(queue)).toContain(c.caseNumber);
    const due = queue.body.items.map((i: { deadlines: { target: { dueAt: string } } }) => i.deadlines.target.dueAt);
    expect(due).toEqual([...due].sort());
    expect((await post('escalate', staff!, { reason: 'Vượt thẩm quyền: cần hoàn tiền' })).body).toMatchObject({ escalated: true });
    const supervisor = await stack.tokenFor('supervisor');
    const list = await stack.api('/api/v1/cases?escalated=true', { token: supervisor });
    expect(list.body.items.map((i: { caseNumber: string }) => i.caseNumber)).toContain(c.caseNumber);
    expect((await post('transfer', staff!, { department: 'hosting', reason: 'thử lại' })).status).toBe(400);
    expect((await post('transfer', staff!, { department: 'billing', reason: 'Liên quan hoàn tiền' })).body).toMatchObject({
      status: 'routed',
      department: 'billing',
    });
    // Hosting staff no longer see it.
    expect((await stack.api(`/api/v1/cases/${c.caseNumber}`, { token: staff! })).status).toBe(404);
  }, 60_000);

  it('every action route with every role: 403 exactly when the permissions table says no', async () => {
    const routes = [
      ...Object.entries(CASE_ACTION_ROUTES).map(([path, permission]) => ({ method: 'POST', path, permission })),
      { method: 'GET', path: 'journal', permission: 'cases:read' as const },
      { method: 'GET', path: 'journal.csv', permission: 'cases:read' as const },
      { method: 'GET', path: 'journal.pdf', permission: 'cases:read' as const },
    ];
    const wrong: string[] = [];
    for (const role of STAFF_ROLES) {
      const token = await stack.tokenFor(role, role === 'department_staff' ? 'hosting' : undefined);
      for (const r of routes) {
        const res = await stack.api(`/api/v1/cases/KN99-99999/${r.path}`, {
          method: r.method,
          token,
          ...(r.method === 'POST' ? { json: {} } : {}),
        });
        const expected = hasPermission(role, r.permission) ? [400, 404] : [403];
        if (!expected.includes(res.status)) wrong.push(`${role} ${r.method} ${r.path}: ${res.status}, expected ${expected.join(' or ')}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
