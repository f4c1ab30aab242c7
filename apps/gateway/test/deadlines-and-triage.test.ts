import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { computeDeadlines } from '@cg/calendar';
import { waitFor, startTestStack, type TestStack } from '@cg/testing';

describe('deadlines on the Vietnamese calendar, triage and corrections, through the API', () => {
  let stack: TestStack;
  let operator: string;
  let redis: Redis;
  let deadlinesQueue: Queue;

  beforeAll(async () => {
    stack = await startTestStack();
    operator = await stack.tokenFor('hotline_operator');
    redis = new Redis(stack.env.REDIS_URL ?? 'redis://127.0.0.1:6390', { maxRetriesPerRequest: null });
    deadlinesQueue = new Queue('deadlines', { connection: redis, prefix: stack.env.QUEUE_PREFIX! });
  });
  afterAll(async () => {
    await deadlinesQueue.close();
    redis.disconnect();
    await stack.close();
  });

  async function logCall(notes: string) {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Hoàng Lan', phone: '0911222333' }, notes, callId: `c-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    return waitFor(`case ${res.body.caseNumber}`, async () => {
      const r = await stack.api(`/api/v1/cases/${res.body.caseNumber}`, { token: operator });
      return r.status === 200 ? r.body : undefined;
    });
  }

  it('gives a new case both deadlines, explained, and plans its deadline checks', async () => {
    const c = await logCall('Tên miền công ty bị khoá, không gia hạn được.');
    const expected = computeDeadlines(new Date(c.receivedAt));
    expect(c.deadlines.target.dueDate).toBe(expected.target.dueDate);
    expect(c.deadlines.cap.dueDate).toBe(expected.cap.dueDate);
    expect(c.deadlines.policy).toEqual({ targetWorkingDays: 5, capLength: 20, capUnit: 'working_days' });
    expect(c.deadlines.explanation.skipped.map((d: { date: string }) => d.date)).toEqual(expected.explanation.skipped.map((d) => d.date));
    expect(c.deadlines.explanation.skipped.length).toBeGreaterThanOrEqual(8); // at least the weekends in 4 weeks
    // One delayed check at a time: the reminder first, at 00:00 of the last working day.
    // The case is readable as soon as it is stored; its check is planned right after, so wait for it.
    const jobs = await waitFor(`deadline checks of ${c.caseNumber}`, async () => {
      const planned = (await deadlinesQueue.getDelayed()).filter((j) => j.data.caseNumber === c.caseNumber);
      return planned.length > 0 ? planned : undefined;
    });
    expect(jobs.map((j) => j.data)).toEqual([{ caseNumber: c.caseNumber, kind: 'target_due_soon', dueDate: c.deadlines.target.dueDate }]);
    expect(Math.abs(jobs[0]!.timestamp + jobs[0]!.delay - new Date(`${c.deadlines.target.dueDate}T00:00:00+07:00`).getTime())).toBeLessThan(
      1000,
    );
  });

  const delayedCheck = (caseNumber: string, kind: string) =>
    waitFor(`${kind} check of ${caseNumber}`, async () =>
      (await deadlinesQueue.getDelayed()).find((j) => j.data.caseNumber === caseNumber && j.data.kind === kind),
    );

  it('reminds the department, then escalates when the target passes, once', async () => {
    const c = await logCall('Hosting báo lỗi 500, website không truy cập được.');
    await (await delayedCheck(c.caseNumber, 'target_due_soon')).promote();
    const reminded = await waitFor('reminder recorded', async () => {
      const r = await stack.api(`/api/v1/cases/${c.caseNumber}`, { token: operator });
      return r.body.escalations?.length ? r.body : undefined;
    });
    expect(reminded.escalations).toEqual([expect.objectContaining({ kind: 'target_due_soon', level: 'department' })]);
    expect(reminded.escalated).toBe(false);
    expect(reminded.journal.at(-1)).toMatchObject({ type: 'deadline_reminder' });

    // The reminder planned the next link of the chain: the breach check at the target.
    const breach = await delayedCheck(c.caseNumber, 'target_breached');
    expect(Math.abs(breach.timestamp + breach.delay - new Date(c.deadlines.target.dueAt).getTime())).toBeLessThan(1000);
    await breach.promote();
    const escalated = await waitFor('escalation recorded', async () => {
      const r = await stack.api(`/api/v1/cases/${c.caseNumber}`, { token: operator });
      return r.body.escalated ? r.body : undefined;
    });
    expect(escalated.priority).toBe('high');
    expect(escalated.escalations.at(-1)).toEqual(
      expect.objectContaining({ kind: 'target_breached', dueDate: c.deadlines.target.dueDate, level: 'supervisor' }),
    );
    await delayedCheck(c.caseNumber, 'cap_breached');
    expect(escalated.journal.at(-1)).toMatchObject({ type: 'escalated' });
    const supervisor = await stack.tokenFor('supervisor');
    const list = await stack.api('/api/v1/cases?escalated=true', { token: supervisor });
    expect(list.body.items.map((i: { caseNumber: string }) => i.caseNumber)).toContain(c.caseNumber);

    // The same check again (a retried job) records nothing new.
    await deadlinesQueue.add('deadline-check', { caseNumber: c.caseNumber, kind: 'target_breached', dueDate: c.deadlines.target.dueDate });
    await waitFor('repeat processed', async () => (await deadlinesQueue.getJobCounts('waiting', 'active')).waiting === 0);
    await waitFor('no active', async () => (await deadlinesQueue.getJobCounts('active')).active === 0);
    const after = (await stack.api(`/api/v1/cases/${c.caseNumber}`, { token: operator })).body;
    expect(after.escalations).toHaveLength(2);
  });

  it('lets a supervisor extend the target with a reason, never beyond the cap', async () => {
    const c = await logCall('Email doanh nghiệp không gửi được thư ra ngoài.');
    const supervisor = await stack.tokenFor('supervisor');
    const path = `/api/v1/cases/${c.caseNumber}/extensions`;

    const noReason = await stack.api(path, { method: 'POST', token: supervisor, json: { extraWorkingDays: 3 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);

    const agent = await stack.tokenFor('cs_agent');
    expect(
      (await stack.api(path, { method: 'POST', token: agent, json: { extraWorkingDays: 3, reason: 'cần nhà cung cấp xác minh' } })).status,
    ).toBe(403);

    const beyond = await stack.api(path, {
      method: 'POST',
      token: supervisor,
      json: { newDueDate: '2099-01-01', reason: 'chờ đối tác xử lý' },
    });
    expect(beyond.status).toBe(422);
    expect(beyond.body.errors[0]).toMatchObject({ field: 'newDueDate', code: 'EXTENSION_BEYOND_CAP' });

    const ok = await stack.api(path, {
      method: 'POST',
      token: supervisor,
      json: { extraWorkingDays: 3, reason: 'Chờ nhà đăng ký quốc tế phản hồi' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.deadlines.target.dueDate > c.deadlines.target.dueDate).toBe(true);
    expect(ok.body.deadlines.cap.dueDate).toBe(c.deadlines.cap.dueDate);
    expect(ok.body.deadlines.extensions).toEqual([
      expect.objectContaining({
        from: c.deadlines.target.dueDate,
        to: ok.body.deadlines.target.dueDate,
        extraWorkingDays: 3,
        approvedBy: 'supervisor.all@test.local',
      }),
    ]);
    // A new chain is planned for the new date; the old check is now stale.
    const planned = (await deadlinesQueue.getDelayed()).filter(
      (j) => j.data.caseNumber === c.caseNumber && j.data.kind === 'target_due_soon',
    );
    expect(planned.map((j) => j.data.dueDate).sort()).toEqual([c.deadlines.target.dueDate, ok.body.deadlines.target.dueDate].sort());
    const stale = planned.find((j) => j.data.dueDate === c.deadlines.target.dueDate)!;
    await stale.promote();
    await waitFor('stale check done', async () => (await deadlinesQueue.getJob(stale.id!))?.returnvalue?.outcome);
    expect((await deadlinesQueue.getJob(stale.id!))!.returnvalue).toEqual({ outcome: 'stale' });
  });

  it('sends an unclear complaint to triage; an agent correction routes it, becomes training data, and retraining learns it', async () => {
    const vague = 'Vấn đề hôm qua vẫn chưa xong, nhờ kiểm tra lại giúp.';
    const c = await logCall(vague);
    expect(c.status).toBe('triage');
    expect(c.department).toBe('triage');
    expect(c.classification).toMatchObject({ abstained: true });
    expect(c.classification.confidence).toBeLessThan(0.6);
    const agent = await stack.tokenFor('cs_agent');
    const triage = await stack.api('/api/v1/cases?department=triage', { token: agent });
    expect(triage.body.items.map((i: { caseNumber: string }) => i.caseNumber)).toContain(c.caseNumber);

    const path = `/api/v1/cases/${c.caseNumber}/classification`;
    expect((await stack.api(path, { method: 'PATCH', token: operator, json: { department: 'customer_care' } })).status).toBe(403);
    const bad = await stack.api(path, { method: 'PATCH', token: agent, json: { department: 'marketing' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('department');
    expect((await stack.api(path, { method: 'PATCH', token: agent, json: { department: 'triage' } })).status).toBe(400);

    const fixed = await stack.api(path, {
      method: 'PATCH',
      token: agent,
      json: { department: 'customer_care', note: 'khách phàn nàn xử lý chậm' },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({
      department: 'customer_care',
      status: 'routed',
      classification: { method: 'manual', department: 'customer_care' },
    });
    const example = await stack.db.trainingExamples.model.findOne({ caseNumber: c.caseNumber }).lean();
    expect(example).toMatchObject({ department: 'customer_care', source: 'correction', correctedBy: 'cs_agent.all@test.local' });
    expect(example!.text).toBe(vague);
    const view = (await stack.api(`/api/v1/cases/${c.caseNumber}`, { token: agent })).body;
    expect(view.journal.at(-1)).toMatchObject({ type: 'reclassified', data: { from: 'triage', to: 'customer_care' } });
    // A second correction of the same case replaces the first (one training example per case).
    expect((await stack.api(path, { method: 'PATCH', token: agent, json: { department: 'customer_care' } })).status).toBe(200);

    // The scheduled retraining job (run now) stores a new model version; the workers load it,
    // and the same words now go straight to customer_care.
    const maintenance = new Queue('maintenance', { connection: redis, prefix: stack.env.QUEUE_PREFIX! });
    try {
      const job = await maintenance.add('retrain-classifier', {});
      const result = await waitFor('retraining', async () => (await maintenance.getJob(job.id!))?.returnvalue, { timeoutMs: 30_000 });
      expect(result).toMatchObject({ retrained: true, version: 1, correctionExamples: 1 });
      const again = await maintenance.add('retrain-classifier', {});
      expect(await waitFor('second run', async () => (await maintenance.getJob(again.id!))?.returnvalue)).toEqual({ retrained: false });
    } finally {
      await maintenance.close();
    }
    const relearned = await logCall(vague);
    expect(relearned).toMatchObject({ status: 'routed', department: 'customer_care' });
  });

  describe('calendar API', () => {
    it('computes and explains a deadline across Tết 2026', async () => {
      const agent = await stack.tokenFor('cs_agent');
      const res = await stack.api(`/api/v1/calendar/deadline?receivedAt=${encodeURIComponent('2026-02-13T10:00:00+07:00')}`, {
        token: agent,
      });
      expect(res.status).toBe(200);
      // Fri 13/2 received; 14–22/2 Tết off; Mon 23 … Fri 27 are working days 1–5.
      expect(res.body.target.dueDate).toBe('2026-02-27');
      expect(res.body.target.dueAt).toBe('2026-02-27T17:00:00.000Z');
      const skipped = res.body.explanation.skipped.map((d: { date: string }) => d.date);
      for (let d = 14; d <= 22; d++) expect(skipped).toContain(`2026-02-${d}`);
      const bad = await stack.api('/api/v1/calendar/deadline?receivedAt=yesterday', { token: agent });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('receivedAt');
    });

    it('lets an admin load an official schedule as a new version, which deadlines then use', async () => {
      const admin = await stack.tokenFor('admin');
      const agent = await stack.tokenFor('cs_agent');
      const schedule = {
        year: 2027,
        source: 'Thông báo thử nghiệm 1/TB-TEST',
        daysOff: [{ date: '2027-03-01', reason: 'Ngày nghỉ thử nghiệm', source: { document: 'Công văn 1/TEST', issuer: 'Bộ Nội vụ' } }],
        workingDays: [{ date: '2027-03-06', reason: 'Làm bù thứ Bảy' }],
      };
      expect((await stack.api('/api/v1/calendar/schedules', { method: 'POST', token: agent, json: schedule })).status).toBe(403);
      const bad = await stack.api('/api/v1/calendar/schedules', {
        method: 'POST',
        token: admin,
        json: { ...schedule, daysOff: [{ date: '2027-02-30', reason: '' }] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.length).toBeGreaterThan(0);
      expect(bad.body.errors[0].field).toMatch(/^daysOff/);

      const first = await stack.api('/api/v1/calendar/schedules', { method: 'POST', token: admin, json: schedule });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ year: 2027, version: 1, loadedBy: 'admin.all@test.local' });
      const second = await stack.api('/api/v1/calendar/schedules', { method: 'POST', token: admin, json: schedule });
      expect(second.body.version).toBe(2);

      // Fri 26/2/2027: Sat 27, Sun 28 weekend, Mon 1/3 official day off, Tue 2 … Fri 5 = 4 days, Sat 6 worked = 5th.
      const d = await stack.api(`/api/v1/calendar/deadline?receivedAt=${encodeURIComponent('2027-02-26T09:00:00+07:00')}`, {
        token: agent,
      });
      expect(d.body.target.dueDate).toBe('2027-03-06');
      expect(d.body.explanation.skipped.find((x: { date: string }) => x.date === '2027-03-01')).toMatchObject({ working: false });
      const list = await stack.api('/api/v1/calendar/schedules', { token: agent });
      expect(list.body.inForce.find((s: { year: number }) => s.year === 2027).version).toBe(2);
      // Each entry keeps its own source through the database.
      expect(list.body.inForce.find((s: { year: number }) => s.year === 2027).daysOff[0].source).toEqual({
        document: 'Công văn 1/TEST',
        issuer: 'Bộ Nội vụ',
      });
    });
  });
});
