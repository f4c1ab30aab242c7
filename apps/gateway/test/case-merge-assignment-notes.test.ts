import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '@cg/contracts';
import { hashPassword } from '@cg/core';
import { AutoAssignQueue } from '@cg/queue';
import { startTestStack, TEST_PASSWORD, waitFor, type TestStack } from '@cg/testing';

/**
 * Issue 9, the missing pieces of steps 2 and 3, on the real Redis and FerretDB: merging duplicates
 * (both cases change under both leases), automatic fair assignment (a worker job serialised per
 * department) and internal notes with attachments.
 */

type Entry = { type: string; message: string; data?: Record<string, unknown> };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake png body')]);

describe('duplicates, automatic assignment and note attachments', () => {
  let stack: TestStack;
  let operator: string;
  let agent: string;
  let redis: Redis;
  let assignments: Queue;

  beforeAll(async () => {
    stack = await startTestStack({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
    operator = await stack.tokenFor('hotline_operator');
    agent = await stack.tokenFor('cs_agent');
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    assignments = new Queue(QUEUE_NAMES.assignment, { connection: redis, prefix: stack.prefix });
  });
  afterAll(async () => {
    await assignments.close();
    redis.disconnect();
    await stack.close();
  });

  /** A hosting complaint by phone, waiting in the hosting queue. */
  async function hostingCase(caller: { name: string; phone?: string; email?: string } = { name: 'Trần Bình', phone: '0911000111' }) {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller, notes: 'Hosting báo lỗi 500, website không truy cập được.', callId: `c-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    const c = await waitFor(`case ${res.body.caseNumber}`, async () => {
      const r = await stack.api(`/api/v1/cases/${res.body.caseNumber}`, { token: operator });
      return r.status === 200 ? r.body : undefined;
    });
    expect(c).toMatchObject({ status: 'routed', department: 'hosting' });
    return c as { caseNumber: string; version: number };
  }

  /** Department staff signed in: their ids and tokens. */
  async function departmentStaff(n: number, department: string) {
    const passwordHash = await hashPassword(TEST_PASSWORD);
    const people: Array<{ id: string; email: string; token: string }> = [];
    for (let i = 0; i < n; i++) {
      const email = `p${i}.${department}.${randomUUID().slice(0, 6)}@test.local`;
      const user = await stack.db.staffUsers.create({
        email,
        displayName: `Nhân viên ${department} ${i}`,
        passwordHash,
        role: 'department_staff',
        department,
      });
      const res = await stack.api('/api/v1/auth/login', { method: 'POST', json: { email, password: TEST_PASSWORD } });
      expect(res.status).toBe(200);
      people.push({ id: String(user._id), email, token: res.body.token as string });
    }
    return people;
  }

  const journalOf = async (caseNumber: string): Promise<Entry[]> =>
    (await stack.api(`/api/v1/cases/${caseNumber}/journal`, { token: agent })).body.items;
  const note = (caseNumber: string, token: string, text: string) =>
    stack.api(`/api/v1/cases/${caseNumber}/notes`, { method: 'POST', token, json: { text } });
  const merge = (duplicate: string, into: string, token = agent) =>
    stack.api(`/api/v1/cases/${duplicate}/merge`, {
      method: 'POST',
      token,
      json: { into, reason: 'cùng khách hàng, gọi điện và gửi email' },
    });
  /** Through the admin API: the gateway's and the worker's cached copies of the settings follow at once. */
  const setAutoAssign = async (department: string, autoAssign: boolean, assignCap: number) => {
    const res = await stack.api(`/api/v1/admin/departments/${department}`, {
      method: 'PUT',
      token: await stack.tokenFor('admin'),
      json: { autoAssign, assignCap },
    });
    expect(res.status).toBe(200);
  };
  /** The auto-assign job of this (case, version), once finished: its outcome. */
  const assignmentOutcome = (caseNumber: string, version: number) =>
    waitFor(`auto-assign of ${caseNumber}@${version}`, async () => {
      const job = await assignments.getJob(AutoAssignQueue.jobIdOf(caseNumber, version));
      return job && (await job.isCompleted()) ? (job.returnvalue as { outcome: string; assignee?: string }) : undefined;
    });

  describe('merge duplicates', () => {
    it('the duplicate’s journal and attachments join the survivor, the duplicate points to it and leaves the queues', async () => {
      const a = await hostingCase({ name: 'Lê Hoa', phone: '0912000222', email: 'hoa@example.vn' });
      const b = await hostingCase({ name: 'Lê Hoa', phone: '0912000222' });
      const [hosting] = await departmentStaff(1, 'hosting');
      expect((await note(b.caseNumber, hosting!.token, 'khách gọi lại lần hai')).status).toBe(200);
      const fd = new FormData();
      fd.append('text', 'ảnh chụp lỗi');
      fd.append('files', new Blob([PNG]), 'loi.png');
      const withFile = await stack.api(`/api/v1/cases/${b.caseNumber}/notes/attachments`, {
        method: 'POST',
        token: hosting!.token,
        body: fd,
      });
      expect(withFile.status).toBe(201);
      const fileId = (withFile.body.journal.at(-1).data.attachments[0] as { id: string }).id;
      const bJournal = await journalOf(b.caseNumber);

      // Customer support sees A as a possible duplicate of B? (B has no email: only A, which has one, lists B's twin by email.)
      const hint = await stack.api(`/api/v1/cases/${a.caseNumber}/possible-duplicates`, { token: agent });
      expect(hint.status).toBe(200);

      const res = await merge(b.caseNumber, a.caseNumber);
      expect(res.status).toBe(200);
      expect(res.body.duplicate).toMatchObject({
        caseNumber: b.caseNumber,
        status: 'merged',
        mergedInto: a.caseNumber,
        allowedActions: ['mail_event'],
      });
      expect(res.body.survivor).toMatchObject({ caseNumber: a.caseNumber, status: 'routed', mergedFrom: [b.caseNumber] });

      const aJournal = await journalOf(a.caseNumber);
      const copies = aJournal.filter((j) => j.type === 'merged_entry');
      expect(copies.map((j) => j.message)).toEqual(bJournal.map((j) => `[${b.caseNumber}] ${j.message}`));
      expect(copies.every((j) => j.data?.mergedFrom === b.caseNumber)).toBe(true);
      expect(aJournal.filter((j) => j.type === 'merged_from')).toHaveLength(1);
      // The note's file is reachable from the survivor.
      const download = await stack.api(`/api/v1/cases/${a.caseNumber}/notes/attachments/${fileId}`, { token: agent });
      expect(download.status).toBe(200);
      expect(download.raw.equals(PNG)).toBe(true);

      const stored = await stack.db.cases.findByCaseNumber(b.caseNumber);
      expect(stored).toMatchObject({ status: 'merged', openOwnerKey: 'done', mergedInto: a.caseNumber });
      const queue = await stack.api('/api/v1/cases?department=hosting&status=routed&pageSize=100', { token: agent });
      expect(queue.body.items.map((c: { caseNumber: string }) => c.caseNumber)).not.toContain(b.caseNumber);

      // Merging again is a no-op; nothing more is done to the merged case.
      const again = await merge(b.caseNumber, a.caseNumber);
      expect(again.status).toBe(200);
      expect(again.body.changed).toBe(false);
      const late = await note(b.caseNumber, hosting!.token, 'quá muộn');
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ state: 'merged', action: 'note' });

      // An email the customer later sends on B's thread lands on A.
      const joined = await stack.gateway!.lifecycle.customerMessage(
        b.caseNumber,
        { kind: 'customer' },
        { key: `email:${randomUUID()}`, channel: 'email', at: new Date() },
      );
      expect(joined.case.caseNumber).toBe(a.caseNumber);
      expect((await journalOf(a.caseNumber)).at(-1)).toMatchObject({ type: 'customer_email' });
    }, 120_000);

    it('refuses: into itself (400), into a merged or closed case (409 naming its state), another customer’s (400), wrong role (403)', async () => {
      const a = await hostingCase({ name: 'Phạm An', phone: '0913000333' });
      const b = await hostingCase({ name: 'Phạm An', phone: '0913000333' });
      const self = await merge(a.caseNumber, a.caseNumber);
      expect(self.status).toBe(400);
      expect(self.body.errors ?? self.body.fields ?? self.body).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'into' })]),
      );

      const dept = await stack.tokenFor('department_staff', 'hosting');
      expect((await merge(b.caseNumber, a.caseNumber, dept)).status).toBe(403);
      const bad = await stack.api(`/api/v1/cases/${b.caseNumber}/merge`, {
        method: 'POST',
        token: agent,
        json: { into: 'nope', extra: 1 },
      });
      expect(bad.status).toBe(400);

      expect((await merge(b.caseNumber, a.caseNumber)).status).toBe(200);
      const intoMerged = await merge(a.caseNumber, b.caseNumber);
      expect(intoMerged.status).toBe(409);
      expect(intoMerged.body).toMatchObject({ state: 'merged', action: 'merge' });

      const closedCall = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token: operator,
        json: {
          caller: { name: 'Phạm An', phone: '0913000333' },
          notes: 'Hỏi về hosting, đã giải đáp.',
          callId: `c-${randomUUID()}`,
          resolvedOnCall: true,
        },
      });
      const closed = await waitFor('closed case', async () => {
        const r = await stack.api(`/api/v1/cases/${closedCall.body.caseNumber}`, { token: operator });
        return r.status === 200 ? r.body : undefined;
      });
      expect(closed.status).toBe('closed');
      const c = await hostingCase({ name: 'Phạm An', phone: '0913000333' });
      const intoClosed = await merge(c.caseNumber, closed.caseNumber);
      expect(intoClosed.status).toBe(409);
      expect(intoClosed.body).toMatchObject({ state: 'closed' });

      const stranger = await hostingCase({ name: 'Người khác', phone: '0987654321' });
      const other = await merge(stranger.caseNumber, c.caseNumber);
      expect(other.status).toBe(400);
      expect(JSON.stringify(other.body)).toContain('into');
    }, 120_000);

    it('notes landing on the duplicate while it is merged: none is lost', async () => {
      const a = await hostingCase({ name: 'Võ Minh', phone: '0914000444' });
      const b = await hostingCase({ name: 'Võ Minh', phone: '0914000444' });
      const people = await departmentStaff(4, 'hosting');
      const texts = Array.from({ length: 20 }, (_, i) => `ghi chú song song #${i}`);
      const [notes, merged] = await Promise.all([
        Promise.all(texts.map((t, i) => note(b.caseNumber, people[i % people.length]!.token, t))),
        (async () => {
          await new Promise((r) => setTimeout(r, 50)); // let a few notes in first
          return merge(b.caseNumber, a.caseNumber);
        })(),
      ]);
      expect(merged.status).toBe(200);
      const kept = texts.filter((_, i) => notes[i]!.status === 200);
      const refused = notes.filter((r) => r.status === 409);
      expect(kept.length + refused.length).toBe(20);
      for (const r of refused) expect(r.body).toMatchObject({ state: 'merged' });
      // Every note that was accepted is in the survivor's journal (copied from the duplicate).
      const copies = (await journalOf(a.caseNumber)).filter((j) => j.type === 'merged_entry' && j.data?.originalType === 'note');
      expect(copies.map((j) => j.message).sort()).toEqual(kept.map((t) => `[${b.caseNumber}] ${t}`).sort());
      const dup = await stack.db.cases.findByCaseNumber(b.caseNumber);
      expect(dup!.journal.filter((j) => j.type === 'note')).toHaveLength(kept.length);
    }, 120_000);
  });

  describe('automatic fair assignment', () => {
    /** Moves cases into `department` all at once (customer support transfers them): each enters that queue. */
    const transferAll = (cases: Array<{ caseNumber: string }>, department: string) =>
      Promise.all(
        cases.map((c) =>
          stack.api(`/api/v1/cases/${c.caseNumber}/transfer`, {
            method: 'POST',
            token: agent,
            json: { department, reason: 'thuộc phạm vi bộ phận khác' },
          }),
        ),
      );
    const available = (token: string, on = true) =>
      stack.api('/api/v1/staff/me/availability', { method: 'PUT', token, json: { available: on } });

    it('20 cases routed at once: nobody goes over the cap, unavailable staff get none', async () => {
      await setAutoAssign('billing', true, 3);
      const people = await departmentStaff(4, 'billing');
      for (const p of people.slice(0, 3)) expect((await available(p.token)).status).toBe(200);
      const mine = await stack.api('/api/v1/staff/me/availability', { token: people[0]!.token });
      expect(mine.body).toMatchObject({ available: true, department: 'billing', autoAssign: true, assignCap: 3 });
      expect((await available(people[3]!.token, false)).body.available).toBe(false);

      const cases = [];
      for (let i = 0; i < 20; i++) cases.push(await hostingCase({ name: `Khách ${i}`, phone: `09150${String(i).padStart(5, '0')}` }));
      const moved = await transferAll(cases, 'billing');
      expect(moved.map((r) => r.status)).toEqual(cases.map(() => 200));
      const outcomes = await Promise.all(moved.map((r) => assignmentOutcome(r.body.caseNumber, r.body.version)));
      expect(outcomes.filter((o) => o.outcome === 'assigned')).toHaveLength(9);
      expect(outcomes.filter((o) => o.outcome === 'nobody_available')).toHaveLength(11);

      for (const p of people.slice(0, 3)) expect(await stack.db.cases.count({ ownerId: p.id })).toBe(3);
      expect(await stack.db.cases.count({ ownerId: people[3]!.id })).toBe(0);
      expect(await stack.db.cases.count({ department: 'billing', ownerId: null, status: 'routed' })).toBe(11);
      const assigned = (
        await journalOf(
          outcomes.find((o) => o.outcome === 'assigned') && moved[outcomes.findIndex((o) => o.outcome === 'assigned')]!.body.caseNumber,
        )
      ).at(-1);
      expect(assigned).toMatchObject({ type: 'assigned', actor: { kind: 'system' } });
    }, 300_000);

    it('fairness: fewest open cases first, then the one assigned longest ago', async () => {
      await setAutoAssign('sales', true, 10);
      const people = await departmentStaff(3, 'sales');
      for (const p of people) await available(p.token);
      const order: string[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await hostingCase({ name: `Khách sales ${i}`, phone: `09160${String(i).padStart(5, '0')}` });
        const [moved] = await transferAll([c], 'sales');
        const outcome = await assignmentOutcome(moved!.body.caseNumber, moved!.body.version);
        expect(outcome.outcome).toBe('assigned');
        order.push(outcome.assignee!);
      }
      // Three different people first (each had none), then the one given a case longest ago.
      expect(new Set(order.slice(0, 3)).size).toBe(3);
      expect(order[3]).toBe(order[0]);
    }, 180_000);

    it('off switch: a department without automatic assignment keeps its queue for people to claim', async () => {
      await setAutoAssign('technical', false, 5);
      const [p] = await departmentStaff(1, 'technical');
      await available(p!.token);
      const c = await hostingCase({ name: 'Khách kỹ thuật', phone: '0917000777' });
      const [moved] = await transferAll([c], 'technical');
      // No job is queued for a department without it (asked when the case enters the queue); had
      // one been, the available person below the cap would have the case by now.
      await new Promise((r) => setTimeout(r, 2000));
      expect(await assignments.getJob(AutoAssignQueue.jobIdOf(moved!.body.caseNumber, moved!.body.version))).toBeUndefined();
      expect((await stack.db.cases.findByCaseNumber(c.caseNumber))!).toMatchObject({ status: 'routed', owner: null });
      // Wrong role for the switch.
      expect((await available(agent)).status).toBe(403);
      const bad = await stack.api('/api/v1/staff/me/availability', { method: 'PUT', token: p!.token, json: { available: 'yes' } });
      expect(bad.status).toBe(400);
    }, 120_000);
  });

  describe('internal notes with attachments', () => {
    const upload = (caseNumber: string, token: string, files: Array<{ name: string; bytes: Buffer }>, text = 'nhật ký máy chủ') => {
      const fd = new FormData();
      fd.append('text', text);
      for (const f of files) fd.append('files', new Blob([f.bytes]), f.name);
      return stack.api(`/api/v1/cases/${caseNumber}/notes/attachments`, { method: 'POST', token, body: fd });
    };

    it('uploads files with a note, lists them in the journal and downloads them (staff of the case only)', async () => {
      const c = await hostingCase();
      const hosting = await stack.tokenFor('department_staff', 'hosting');
      const log = Buffer.from('2026-03-10 lỗi 500 tại /index.php\n', 'utf8');
      const res = await upload(c.caseNumber, hosting, [
        { name: 'loi.png', bytes: PNG },
        { name: 'server.log', bytes: log },
      ]);
      expect(res.status).toBe(201);
      const entry = res.body.journal.at(-1) as Entry;
      expect(entry).toMatchObject({ type: 'note', message: 'nhật ký máy chủ [attached: loi.png, server.log]', data: { internal: true } });
      const files = entry.data!.attachments as Array<{ id: string; fileName: string; contentType: string; size: number }>;
      expect(files.map((f) => [f.fileName, f.contentType, f.size])).toEqual([
        ['loi.png', 'image/png', PNG.length],
        ['server.log', 'text/plain; charset=utf-8', log.length],
      ]);
      // Never among the customer's attachments.
      expect(res.body.attachments).toEqual([]);
      for (const [f, bytes] of [
        [files[0]!, PNG],
        [files[1]!, log],
      ] as const) {
        const d = await stack.api(`/api/v1/cases/${c.caseNumber}/notes/attachments/${f.id}`, { token: hosting });
        expect(d.status).toBe(200);
        expect(d.headers.get('content-type')).toBe('application/octet-stream');
        expect(d.headers.get('content-disposition')).toContain('attachment;');
        expect(d.raw.equals(bytes)).toBe(true);
      }

      // Another department's staff: 404 for the upload and the download.
      const billing = await stack.tokenFor('department_staff', 'billing');
      expect((await upload(c.caseNumber, billing, [{ name: 'x.png', bytes: PNG }])).status).toBe(404);
      expect((await stack.api(`/api/v1/cases/${c.caseNumber}/notes/attachments/${files[0]!.id}`, { token: billing })).status).toBe(404);
      // A file of another case is not served under this one.
      const other = await hostingCase();
      expect((await stack.api(`/api/v1/cases/${other.caseNumber}/notes/attachments/${files[0]!.id}`, { token: hosting })).status).toBe(404);
    }, 120_000);

    it('refuses a file that is not what it claims (400 naming it), a note without text or files, and stores nothing', async () => {
      const c = await hostingCase();
      const hosting = await stack.tokenFor('department_staff', 'hosting');
      const before = (await journalOf(c.caseNumber)).length;
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 1)]);
      const bad = await upload(c.caseNumber, hosting, [
        { name: 'ok.png', bytes: PNG },
        { name: 'anh.png', bytes: exe },
      ]);
      expect(bad.status).toBe(400);
      expect(bad.body.errors ?? bad.body.fields).toEqual([expect.objectContaining({ field: 'files[1]', code: 'unsupported_type' })]);
      const noText = await upload(c.caseNumber, hosting, [{ name: 'ok.png', bytes: PNG }], '');
      expect(noText.status).toBe(400);
      const noFiles = await upload(c.caseNumber, hosting, []);
      expect(noFiles.status).toBe(400);
      const json = await stack.api(`/api/v1/cases/${c.caseNumber}/notes/attachments`, {
        method: 'POST',
        token: hosting,
        json: { text: 'x' },
      });
      expect(json.status).toBe(415);
      expect((await journalOf(c.caseNumber)).length).toBe(before);
    }, 120_000);
  });
});
