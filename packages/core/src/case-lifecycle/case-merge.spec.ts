import type { CaseStatus } from '@cg/contracts';
import type { CaseDeadlines } from '../deadlines/case-deadlines';
import { newCaseDefaults, type CaseActor, type CaseData, type JournalEntry, type StoredCase } from './case-data';
import { CaseInputInvalid, NotPermitted, TransitionRefused } from './case-errors';
import { CaseLifecycle, type CaseLease, type CaseLock, type CaseStore, type CaseUpdate } from './case-lifecycle';
import { CASE_TRANSITIONS, allowedActions, decide, decideMerge } from './case-state-machine';
import { enteredDepartmentQueue, pickAssignee } from './case-assignment';

/** Merging duplicates, automatic assignment by the system and notes with attachments: the new transitions. */
const now = new Date('2026-03-10T03:00:00Z');
const deadlines = (target: string): CaseDeadlines => ({
  target: { dueAt: new Date(`${target}T17:00:00Z`), dueDate: target, workingDays: 5 },
  cap: { dueAt: new Date('2026-04-01T17:00:00Z'), dueDate: '2026-04-01', length: 20, unit: 'working_days' },
  policy: { targetWorkingDays: 5, capLength: 20, capUnit: 'working_days' },
  explanation: { receivedLocal: '', countingStartsOn: '', skipped: [], makeupWorkingDays: [], provisional: false, notes: [] },
  extensions: [],
});
const agent: CaseActor = { kind: 'staff', id: 'cs1', name: 'Agent', role: 'cs_agent' };
const deptStaff: CaseActor = { kind: 'staff', id: 'd1', name: 'Dept', role: 'department_staff', department: 'hosting' };
const system: CaseActor = { kind: 'system' };
const entry = (type: string, message: string, data?: Record<string, unknown>): JournalEntry => ({
  id: `${type}-${message}`,
  at: new Date('2026-03-02T03:00:00Z'),
  type,
  actor: { kind: 'customer' },
  message,
  ...(data ? { data } : {}),
});

function sample(caseNumber: string, status: CaseStatus, over: Partial<CaseData> = {}): StoredCase {
  return {
    caseNumber,
    channel: 'email',
    idempotencyKey: caseNumber,
    status,
    department: 'hosting',
    priority: 'normal',
    customer: { name: 'Lan', email: 'lan@example.vn' },
    bodyText: 'Website lỗi 500',
    attachments: [],
    receivedAt: new Date('2026-03-02T03:00:00Z'),
    rawRef: 'raw',
    resolvedOnContact: false,
    classification: {
      department: 'hosting',
      bestGuess: 'hosting',
      confidence: 0.9,
      abstained: false,
      method: 'model',
      evidence: [],
      classifiedAt: now,
    },
    deadlines: deadlines('2026-03-09'),
    searchText: '',
    journal: [],
    ...newCaseDefaults(),
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

const refusal = (f: () => unknown): unknown => {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
};

describe('merge (decideMerge)', () => {
  const dupJournal = [
    entry('received', 'Complaint received via hotline'),
    entry('customer_email', 'The customer wrote again', { key: 'email:m1', attachments: ['att1'] }),
  ];
  const dup = () =>
    sample('KN26-00002', 'in_progress', {
      channel: 'hotline',
      department: 'billing',
      priority: 'high',
      customer: { name: 'Lan', phone: '0912 345 678' },
      owner: { id: 'd9', name: 'Billing person' },
      attachments: [{ id: 'att1', fileName: 'a.pdf', contentType: 'application/pdf', size: 3, sha256: 'a'.repeat(64) }],
      journal: dupJournal,
      deadlines: deadlines('2026-03-05'),
    });
  const survivor = () => sample('KN26-00001', 'routed');

  it('copies the duplicate’s journal and attachments into the survivor; the duplicate points to it and leaves the queues', () => {
    const d = decideMerge(dup(), survivor(), agent, { into: 'KN26-00001', reason: 'same customer by phone' }, { now });
    expect(d.noop).toBe(false);
    expect(d.duplicate.set).toMatchObject({ status: 'merged', mergedInto: 'KN26-00001', owner: null });
    expect(d.duplicate.journal.map((j) => j.type)).toEqual(['merged_into']);
    expect(d.survivor.set.mergedFrom).toEqual(['KN26-00002']);
    expect(d.survivor.journal.map((j) => j.type)).toEqual(['merged_from', 'merged_entry', 'merged_entry']);
    const copy = d.survivor.journal[2]!;
    expect(copy.message).toBe('[KN26-00002] The customer wrote again');
    // The message key travels: the same email arriving for the survivor is not joined twice.
    expect(copy.data).toMatchObject({ key: 'email:m1', mergedFrom: 'KN26-00002', originalType: 'customer_email' });
    expect(d.survivor.appendAttachments.map((a) => a.id)).toEqual(['att1']);
    // The duplicate's department keeps seeing the case; the higher priority and the earlier deadline win.
    expect(d.survivor.set).toMatchObject({ collaborators: ['billing'], priority: 'high' });
    expect(d.survivor.set.deadlines?.target.dueDate).toBe('2026-03-05');
    expect(d.deadlinesChanged).toBe(true);
  });

  it('is restartable: a merge stopped after the survivor’s write copies only what is missing', () => {
    const first = decideMerge(dup(), survivor(), agent, { into: 'KN26-00001' }, { now });
    const half = sample('KN26-00001', 'routed', {
      journal: first.survivor.journal,
      mergedFrom: ['KN26-00002'],
      collaborators: ['billing'],
      priority: 'high',
      deadlines: deadlines('2026-03-05'),
      attachments: first.survivor.appendAttachments,
    });
    // Meanwhile one more entry landed on the duplicate.
    const grown = dup();
    grown.journal = [...grown.journal, entry('note', 'late note')];
    const again = decideMerge(grown, half, agent, { into: 'KN26-00001' }, { now });
    expect(again.survivor.journal.map((j) => j.message)).toEqual(['[KN26-00002] late note']);
    expect(again.survivor.set).toEqual({});
    expect(again.duplicate.set.status).toBe('merged');
    // And the same merge once done is a no-op.
    const done = sample('KN26-00002', 'merged', { mergedInto: 'KN26-00001' });
    expect(decideMerge(done, half, agent, { into: 'KN26-00001' }, { now }).noop).toBe(true);
  });

  it('refuses a merge into itself (400), into a closed, answered or merged case (409 naming its state), and of a case with an answer drafted', () => {
    expect(refusal(() => decideMerge(dup(), dup(), agent, { into: 'KN26-00002' }, { now }))).toMatchObject({ field: 'into' });
    for (const state of ['closed', 'answered', 'merged'] as const) {
      const err = refusal(() => decideMerge(dup(), sample('KN26-00001', state), agent, { into: 'KN26-00001' }, { now }));
      expect(err).toBeInstanceOf(TransitionRefused);
      expect(err).toMatchObject({ caseNumber: 'KN26-00001', state });
    }
    for (const state of ['answer_pending_approval', 'answer_ready', 'answered', 'closed'] as const) {
      const err = refusal(() => decideMerge(sample('KN26-00002', state), survivor(), agent, { into: 'KN26-00001' }, { now }));
      expect(err).toMatchObject({ caseNumber: 'KN26-00002', state });
    }
    const merged = sample('KN26-00002', 'merged', { mergedInto: 'KN26-00009' });
    expect(refusal(() => decideMerge(merged, survivor(), agent, { into: 'KN26-00001' }, { now }))).toMatchObject({
      state: 'merged',
      message: expect.stringContaining('already merged into KN26-00009'),
    });
  });

  it('refuses another customer’s case, allows cases that share no contact field, and only customer support and supervisors merge', () => {
    const other = sample('KN26-00002', 'routed', { customer: { email: 'someone@else.vn' } });
    expect(refusal(() => decideMerge(other, survivor(), agent, { into: 'KN26-00001' }, { now }))).toBeInstanceOf(CaseInputInvalid);
    const phoneOnly = sample('KN26-00002', 'routed', { customer: { phone: '0912345678' } });
    expect(decideMerge(phoneOnly, survivor(), agent, { into: 'KN26-00001' }, { now }).noop).toBe(false);
    expect(refusal(() => decideMerge(dup(), survivor(), deptStaff, { into: 'KN26-00001' }, { now }))).toBeInstanceOf(NotPermitted);
    expect(CASE_TRANSITIONS.merge.firedBy).toEqual({ permission: 'cases:merge' });
  });

  it('a merged case allows nothing a person does; mail events are still recorded on it', () => {
    expect(allowedActions('merged')).toEqual(['mail_event']);
    const c = sample('KN26-00002', 'merged', { mergedInto: 'KN26-00001' });
    expect(refusal(() => decide(c, deptStaff, { action: 'note', input: { text: 'x' } }, { now }))).toMatchObject({ state: 'merged' });
  });
});

describe('assign by the system (automatic fair assignment)', () => {
  const assignee = { id: 'd3', name: 'Staff d3', role: 'department_staff', department: 'hosting' };
  it('assigns a case waiting in the queue', () => {
    const ch = decide(sample('KN26-00001', 'routed'), system, { action: 'assign', input: { assignee } }, { now });
    expect(ch.set).toMatchObject({ status: 'in_progress', owner: { id: 'd3' } });
    expect(ch.journal[0]).toMatchObject({ type: 'assigned', actor: { kind: 'system' } });
  });
  it('never takes a case from a person or from customer support', () => {
    const claimed = sample('KN26-00001', 'in_progress', { owner: { id: 'd1', name: 'Dept' } });
    expect(refusal(() => decide(claimed, system, { action: 'assign', input: { assignee } }, { now }))).toBeInstanceOf(TransitionRefused);
    const reopened = sample('KN26-00001', 'reopened');
    expect(refusal(() => decide(reopened, system, { action: 'assign', input: { assignee } }, { now }))).toBeInstanceOf(TransitionRefused);
  });
});

describe('notes with attachments', () => {
  it('references the files in the journal entry (staff only)', () => {
    const file = { id: 'note-att:abc', fileName: 'log.png', contentType: 'image/png', size: 10, sha256: 'b'.repeat(64) };
    const ch = decide(
      sample('KN26-00001', 'routed'),
      deptStaff,
      { action: 'note', input: { text: 'see log', attachments: [file] } },
      { now },
    );
    expect(ch.journal[0]).toMatchObject({
      type: 'note',
      message: 'see log [attached: log.png]',
      data: { internal: true, attachments: [file] },
    });
    // Not the customer's attachments: never listed on the case (receipts, answers).
    expect(ch.appendAttachments).toEqual([]);
  });
});

describe('CaseLifecycle.merge and messages for merged cases (in memory)', () => {
  function store(...cases: StoredCase[]): CaseStore & { docs: Map<string, StoredCase> } {
    const docs = new Map(cases.map((c) => [c.caseNumber, c]));
    return {
      docs,
      findByCaseNumber: (n) => Promise.resolve(docs.has(n) ? structuredClone(docs.get(n)!) : null),
      insertIfAbsent: () => Promise.reject(new Error('unused')),
      updateIfVersion: (n: string, v: number, u: CaseUpdate) => {
        const doc = docs.get(n);
        if (!doc || doc.version !== v) return Promise.resolve(null);
        const next = {
          ...doc,
          ...u.set,
          journal: [...doc.journal, ...u.pushJournal],
          attachments: [...doc.attachments, ...u.pushAttachments],
        } as StoredCase;
        docs.set(n, next);
        return Promise.resolve(structuredClone(next));
      },
    };
  }
  const order: string[] = [];
  const lock: CaseLock = {
    acquire: (n) => {
      order.push(n);
      return Promise.resolve<CaseLease>({ isHeld: () => true, release: () => Promise.resolve() });
    },
  };

  it('takes both leases in case-number order, writes both cases and reports both changes', async () => {
    const s = store(sample('KN26-00001', 'routed'), sample('KN26-00002', 'routed', { journal: [entry('received', 'r')] }));
    const changes: string[] = [];
    const replanned: string[] = [];
    const lifecycle = new CaseLifecycle({
      store: s,
      lock,
      onCommitted: (c) => changes.push(`${c.action}:${c.after.caseNumber}:${c.after.status}`),
      onDeadlinesChanged: (n) => {
        replanned.push(n);
        return Promise.resolve();
      },
    });
    order.length = 0;
    // Merging the higher number into the lower and the other way round take the leases in the same order.
    const r = await lifecycle.merge('KN26-00002', agent, { into: 'KN26-00001' });
    expect(order).toEqual(['KN26-00001', 'KN26-00002']);
    expect(r.changed).toBe(true);
    expect(s.docs.get('KN26-00002')).toMatchObject({ status: 'merged', mergedInto: 'KN26-00001', version: 1, openOwnerKey: 'done' });
    expect(s.docs.get('KN26-00001')).toMatchObject({ mergedFrom: ['KN26-00002'], version: 1 });
    expect(changes).toEqual(['merge:KN26-00001:routed', 'merge:KN26-00002:merged']);
    expect(replanned).toEqual([]);
    expect((await lifecycle.merge('KN26-00002', agent, { into: 'KN26-00001' })).changed).toBe(false);

    // A customer's email for the duplicate joins the survivor.
    const joined = await lifecycle.customerMessage('KN26-00002', { kind: 'customer' }, { key: 'email:x', channel: 'email', at: now });
    expect(joined.case.caseNumber).toBe('KN26-00001');
    expect(s.docs.get('KN26-00001')!.journal.at(-1)).toMatchObject({ type: 'customer_email' });

    order.length = 0;
    const t = store(sample('KN26-00001', 'routed'), sample('KN26-00002', 'routed'));
    await new CaseLifecycle({ store: t, lock }).merge('KN26-00001', agent, { into: 'KN26-00002' });
    expect(order).toEqual(['KN26-00001', 'KN26-00002']);
  });
});

describe('automatic fair assignment (pure part)', () => {
  const view = (status: CaseStatus, department = 'hosting', owner: { id: string; name: string } | null = null) =>
    ({ ...sample('KN26-00001', status, { department, owner }) }) as never;
  it('a case entering a department queue asks for assignment; other changes do not', () => {
    expect(enteredDepartmentQueue({ action: 'receive', before: null, after: view('routed') })).toBe(true);
    expect(enteredDepartmentQueue({ action: 'receive', before: null, after: view('triage') })).toBe(false);
    expect(
      enteredDepartmentQueue({ action: 'reclassify', before: { status: 'triage', department: 'triage' }, after: view('routed') }),
    ).toBe(true);
    expect(
      enteredDepartmentQueue({ action: 'release', before: { status: 'in_progress', department: 'hosting' }, after: view('routed') }),
    ).toBe(true);
    expect(enteredDepartmentQueue({ action: 'transfer', before: { status: 'routed', department: 'email' }, after: view('routed') })).toBe(
      true,
    );
    expect(enteredDepartmentQueue({ action: 'note', before: { status: 'routed', department: 'hosting' }, after: view('routed') })).toBe(
      false,
    );
    expect(
      enteredDepartmentQueue({ action: 'assign', before: { status: 'routed', department: 'hosting' }, after: view('in_progress') }),
    ).toBe(false);
  });
  it('picks the fewest open cases below the cap, then the one assigned longest ago', () => {
    const c = (staffId: string, openCases: number, lastAssignedAt = 0) => ({ staffId, name: staffId, openCases, lastAssignedAt });
    expect(pickAssignee([c('a', 3), c('b', 1), c('c', 2)], 5)?.staffId).toBe('b');
    expect(pickAssignee([c('a', 1, 200), c('b', 1, 100)], 5)?.staffId).toBe('b');
    expect(pickAssignee([c('a', 5), c('b', 7)], 5)).toBeNull();
    expect(pickAssignee([c('a', 0), c('b', 1)], 5, ['a'])?.staffId).toBe('b');
    expect(pickAssignee([], 5)).toBeNull();
  });
});
