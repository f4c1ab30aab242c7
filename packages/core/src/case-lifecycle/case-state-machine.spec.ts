import { CASE_ACTIONS, CASE_STATUSES, type CaseAction, type CaseStatus, type Channel } from '@cg/contracts';
import type { CaseDeadlines } from '../deadlines/case-deadlines';
import { newCaseDefaults, type CaseActor, type CaseData } from './case-data';
import { CaseInputInvalid, CaseNotFound, NotPermitted, TransitionRefused } from './case-errors';
import {
  CASE_TRANSITIONS,
  allowedActions,
  decide,
  lifecycleSettingsFrom,
  type CaseCommand,
  type CaseCommandAction,
} from './case-state-machine';

const T = 'triage',
  R = 'routed',
  P = 'in_progress',
  RR = 'resolution_reported',
  AP = 'answer_pending_approval',
  AR = 'answer_ready',
  A = 'answered',
  C = 'closed',
  O = 'reopened',
  M = 'merged';
const ALL: CaseStatus[] = [...CASE_STATUSES];
// A merged duplicate takes no more notes, messages or replies (they go to the case it joined).
const LIVE: CaseStatus[] = ALL.filter((s) => s !== M);
const OPEN: CaseStatus[] = [T, R, P, RR, AP, AR, O];
const SAME = 'unchanged';

/**
 * The expected machine, written out by hand (not derived from the implementation's table):
 * for each action, the states it may be fired from and where it leads (for the sample case below).
 */
const EXPECTED: Record<CaseCommandAction, { from: CaseStatus[]; to: CaseStatus | typeof SAME; journal: string | null }> = {
  verify: { from: [T, R, P, O], to: SAME, journal: 'verified' },
  reclassify: { from: [T, R, O], to: R, journal: 'reclassified' },
  claim: { from: [R, P], to: P, journal: 'claimed' },
  release: { from: [P], to: R, journal: 'released' },
  assign: { from: [R, P, O], to: P, journal: 'assigned' },
  note: { from: LIVE, to: SAME, journal: 'note' },
  collaborate: { from: [R, P, RR, O], to: SAME, journal: 'collaborators_added' },
  transfer: { from: [R, P, O], to: R, journal: 'transferred' },
  escalate: { from: OPEN, to: SAME, journal: 'escalated' },
  extend: { from: OPEN, to: SAME, journal: 'deadline_extended' },
  report: { from: [P], to: RR, journal: 'resolution_reported' },
  draft: { from: [RR, AP, AR, O], to: AP, journal: 'answer_drafted' }, // the sample case came by email: written
  approve: { from: [AP], to: AR, journal: 'answer_approved' },
  return: { from: [AP], to: RR, journal: 'answer_returned' },
  deliver: { from: [AR], to: A, journal: 'answer_delivered' },
  resolve_on_contact: { from: [T, R, P, O], to: A, journal: 'resolved_on_contact' },
  close: { from: [A], to: C, journal: 'closed' },
  reopen: { from: [A, C], to: O, journal: 'reopened' },
  survey: { from: [C], to: SAME, journal: 'survey_answered' },
  deadline_check: { from: OPEN, to: SAME, journal: 'escalated' },
  customer_message: { from: LIVE.filter((s) => s !== C), to: SAME, journal: 'customer_email' },
  correspond: { from: LIVE, to: SAME, journal: 'email_reply_queued' },
  mail_event: { from: ALL, to: SAME, journal: 'email_sent' },
  delivery: { from: [A, C], to: SAME, journal: 'answer_sent' },
  redeliver: { from: [A, C], to: SAME, journal: 'answer_redelivery_requested' },
  confirm_reply_address: { from: LIVE, to: SAME, journal: 'reply_address_confirmed' },
};

const now = new Date('2026-03-10T03:00:00Z');
const deadlines = (target: string, cap = '2026-04-01'): CaseDeadlines => ({
  target: { dueAt: new Date(`${target}T17:00:00Z`), dueDate: target, workingDays: 5 },
  cap: { dueAt: new Date(`${cap}T17:00:00Z`), dueDate: cap, length: 20, unit: 'working_days' },
  policy: { targetWorkingDays: 5, capLength: 20, capUnit: 'working_days' },
  explanation: { receivedLocal: '', countingStartsOn: '', skipped: [], makeupWorkingDays: [], provisional: false, notes: [] },
  extensions: [],
});

const dept = (id: string, department = 'hosting'): CaseActor => ({
  kind: 'staff',
  id,
  name: `Staff ${id}`,
  role: 'department_staff',
  department,
});
const agent: CaseActor = { kind: 'staff', id: 'cs1', name: 'Agent', role: 'cs_agent' };
const supervisor: CaseActor = { kind: 'staff', id: 'sup1', name: 'Supervisor', role: 'supervisor' };
const operator: CaseActor = { kind: 'staff', id: 'op1', name: 'Operator', role: 'hotline_operator' };
const customer: CaseActor = { kind: 'customer', name: 'Lan' };
const system: CaseActor = { kind: 'system' };
const owner = dept('d1');

function sampleCase(status: CaseStatus, over: Partial<CaseData> = {}): CaseData {
  const answerStates: CaseStatus[] = [AP, AR, A, C];
  return {
    caseNumber: 'KN26-00001',
    channel: 'email',
    idempotencyKey: 'k1',
    status,
    department: 'hosting', // triage cases sit in `triage`; kept in hosting here so department staff see every sample
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
    owner: status === P ? { id: 'd1', name: 'Staff d1', role: 'department_staff' } : null,
    ...(answerStates.includes(status)
      ? {
          answer: {
            text: 'Kính gửi quý khách',
            written: true,
            status: status === AP ? 'pending_approval' : status === AR ? 'ready' : 'delivered',
            draftedBy: { id: 'cs1', name: 'Agent' },
            draftedAt: now,
            ...(status === AP ? {} : { approvedBy: { id: 'sup1', name: 'Supervisor' }, approvedAt: now }),
            // Answered cases carry the delivery `deliver` requested (the `delivery` action records its progress).
            ...(status === A || status === C
              ? { delivery: { status: 'queued' as const, via: 'email' as const, requestedAt: now, round: 0, updatedAt: now } }
              : {}),
          },
        }
      : {}),
    ...over,
  };
}

/** The case with its delivery marked failed for good (what `redeliver` follows). */
function failedDelivery(c: CaseData): CaseData {
  if (!c.answer?.delivery) return c;
  return { ...c, answer: { ...c.answer, delivery: { ...c.answer.delivery, status: 'failed', reason: '451 try again later' } } };
}

/** A command for each action, and who fires it in the table test. */
const SAMPLE: { [K in CaseCommandAction]: { actor: CaseActor; command: CaseCommand } } = {
  verify: { actor: agent, command: { action: 'verify', input: { how: 'call', customerRequest: 'khôi phục website' } } },
  reclassify: { actor: agent, command: { action: 'reclassify', input: { department: 'email' } } },
  claim: { actor: dept('d2'), command: { action: 'claim', input: {} } },
  release: { actor: owner, command: { action: 'release', input: {} } },
  assign: { actor: supervisor, command: { action: 'assign', input: { assignee: { id: 'd3', name: 'Staff d3', department: 'hosting' } } } },
  note: { actor: dept('d2'), command: { action: 'note', input: { text: 'đã kiểm tra log' } } },
  collaborate: { actor: supervisor, command: { action: 'collaborate', input: { departments: ['technical'] } } },
  transfer: { actor: agent, command: { action: 'transfer', input: { department: 'email', reason: 'lỗi ở hệ thống email' } } },
  escalate: { actor: agent, command: { action: 'escalate', input: { reason: 'vượt thẩm quyền' } } },
  extend: { actor: supervisor, command: { action: 'extend', input: { deadlines: deadlines('2026-03-12'), reason: 'chờ nhà cung cấp' } } },
  report: { actor: owner, command: { action: 'report', input: { findings: 'PHP lỗi', cause: 'cập nhật', remedy: 'đã khôi phục' } } },
  draft: { actor: agent, command: { action: 'draft', input: { text: 'Kính gửi quý khách' } } },
  approve: { actor: supervisor, command: { action: 'approve', input: {} } },
  return: { actor: supervisor, command: { action: 'return', input: { comment: 'thêm nguyên nhân' } } },
  deliver: { actor: agent, command: { action: 'deliver', input: { via: 'email' } } },
  resolve_on_contact: { actor: operator, command: { action: 'resolve_on_contact', input: { note: 'đã hướng dẫn' } } },
  close: {
    actor: agent,
    command: {
      action: 'close',
      input: { rootCause: 'our_system_fault', lessonLearned: 'kiểm thử trước khi cập nhật', customerAccepted: true },
    },
  },
  reopen: {
    actor: operator,
    command: {
      action: 'reopen',
      input: { reason: 'vẫn lỗi', deadlines: deadlines('2026-03-17'), via: 'hotline', contact: { email: 'LAN@example.vn' } },
    },
  },
  survey: { actor: customer, command: { action: 'survey', input: { rating: 4, comment: 'ổn' } } },
  deadline_check: { actor: system, command: { action: 'deadline_check', input: { kind: 'target_breached', dueDate: '2026-03-09' } } },
  customer_message: {
    actor: customer,
    command: { action: 'customer_message', input: { key: 'email:m2', channel: 'email', at: now, matchedBy: 'signed Message-ID' } },
  },
  correspond: {
    actor: agent,
    command: { action: 'correspond', input: { key: 'email-reply:1', to: 'lan@example.vn', text: 'Xin quý khách cho biết tên miền.' } },
  },
  redeliver: { actor: agent, command: { action: 'redeliver', input: { note: 'khách đã cập nhật địa chỉ' } } },
  confirm_reply_address: {
    actor: agent,
    command: { action: 'confirm_reply_address', input: { email: 'lan.moi@example.vn', note: 'xác nhận qua điện thoại' } },
  },
  delivery: { actor: system, command: { action: 'delivery', input: { key: 'answer-sent:1', event: 'sent', to: 'lan@example.vn' } } },
  mail_event: {
    actor: system,
    command: { action: 'mail_event', input: { key: 'email-sent:1', event: 'sent', kind: 'receipt', to: 'lan@example.vn' } },
  },
};

describe('case state machine: every (state, action) pair', () => {
  it('the implementation table matches the expected one, action by action', () => {
    for (const action of CASE_ACTIONS) {
      if (action === 'merge') {
        // Two cases change (decideMerge, case-merge.spec.ts): this row is the duplicate's.
        expect([...CASE_TRANSITIONS.merge.from].sort()).toEqual([T, R, P, RR, O].sort());
        continue;
      }
      if (action === 'receive') {
        expect(CASE_TRANSITIONS.receive.from).toEqual([]);
        continue;
      }
      expect({ action, from: [...CASE_TRANSITIONS[action].from].sort() }).toEqual({ action, from: [...EXPECTED[action].from].sort() });
    }
  });

  const pairs = CASE_STATUSES.flatMap((state) =>
    (Object.keys(EXPECTED) as CaseCommandAction[]).map((action) => [state, action, EXPECTED[action].from.includes(state)] as const),
  );

  it.each(pairs)('%s + %s → allowed: %s', (state, action, allowed) => {
    const { actor, command } = SAMPLE[action];
    // Resolving on contact is for hotline and livechat cases; everything else uses an email case.
    // An email reply is correspondence: the sample one is to a case whose answer needs no sign-off
    // (the sign-off rule of replies is tested on its own); a redelivery follows a failed delivery.
    const c =
      action === 'resolve_on_contact'
        ? sampleCase(state, { channel: 'hotline' })
        : action === 'correspond'
          ? sampleCase(state, { channel: 'hotline', answer: undefined })
          : action === 'redeliver'
            ? failedDelivery(sampleCase(state))
            : sampleCase(state);
    if (!allowed) {
      let err: unknown;
      try {
        decide(c, actor, command, { now });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TransitionRefused);
      expect(err).toMatchObject({ state, action, allowedActions: allowedActions(state) });
      return;
    }
    if (action === 'claim' && state === P) {
      // Allowed for the owner (a no-op repeat); refused when someone else owns it (see below).
      expect(decide(c, owner, command, { now }).noop).toBe(true);
      return;
    }
    const change = decide(c, actor, command, { now });
    const expected = EXPECTED[action];
    expect(change.noop).toBe(false);
    expect(change.set.status ?? state).toBe(expected.to === SAME ? state : expected.to);
    expect(change.journal).toHaveLength(1);
    expect(change.journal[0]).toMatchObject({ type: expected.journal, at: expect.any(Date) });
    expect(change.journal[0]!.message.length).toBeGreaterThan(5);
  });

  it('lists no action as allowed anywhere that the table does not allow', () => {
    for (const state of CASE_STATUSES) {
      const expected = (Object.keys(EXPECTED) as CaseAction[]).filter((a) => EXPECTED[a as CaseCommandAction].from.includes(state));
      if (([T, R, P, RR, O] as CaseStatus[]).includes(state)) expected.push('merge'); // the duplicate's states
      expect(allowedActions(state).sort()).toEqual(expected.sort());
    }
  });
});

describe('case state machine: rules beyond the state', () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error('expected a refusal');
  };

  it('claim: sets the owner; refused when someone else owns the case; the owner again is a no-op', () => {
    const claimed = decide(sampleCase(R), dept('d2'), { action: 'claim', input: {} }, { now });
    expect(claimed.set).toMatchObject({ status: P, owner: { id: 'd2' } });
    const err = refusal(() => decide(sampleCase(P), dept('d2'), { action: 'claim', input: {} }, { now }));
    expect(err).toBeInstanceOf(TransitionRefused);
    expect((err as Error).message).toContain('already claimed by Staff d1');
    expect(decide(sampleCase(P), owner, { action: 'claim', input: {} }, { now }).noop).toBe(true);
  });

  it('department staff: another department’s case is not found; a collaborator sees it but cannot claim it', () => {
    expect(refusal(() => decide(sampleCase(R), dept('x', 'domain'), { action: 'note', input: { text: 'hi' } }, { now }))).toBeInstanceOf(
      CaseNotFound,
    );
    const shared = sampleCase(R, { collaborators: ['domain'] });
    expect(decide(shared, dept('x', 'domain'), { action: 'note', input: { text: 'kết quả từ domain' } }, { now }).journal[0]!.type).toBe(
      'note',
    );
    expect(refusal(() => decide(shared, dept('x', 'domain'), { action: 'claim', input: {} }, { now }))).toBeInstanceOf(NotPermitted);
  });

  it('permissions: each action only by the roles the permissions table names', () => {
    expect(refusal(() => decide(sampleCase(R), operator, { action: 'claim', input: {} }, { now }))).toBeInstanceOf(NotPermitted);
    expect(refusal(() => decide(sampleCase(AP), agent, { action: 'approve', input: {} }, { now }))).toBeInstanceOf(NotPermitted);
    expect(refusal(() => decide(sampleCase(C), agent, SAMPLE.survey.command, { now }))).toBeInstanceOf(NotPermitted);
    expect(refusal(() => decide(sampleCase(R), agent, SAMPLE.deadline_check.command, { now }))).toBeInstanceOf(NotPermitted);
    expect(decide(sampleCase(A), supervisor, SAMPLE.close.command, { now }).set.status).toBe(C); // supervisors may do it too
    expect(decide(sampleCase(C), customer, SAMPLE.reopen.command, { now }).set.status).toBe(O); // the customer's email reply
  });

  it('release and report: only the owner or a supervisor', () => {
    expect(refusal(() => decide(sampleCase(P), dept('d2'), { action: 'release', input: {} }, { now }))).toBeInstanceOf(TransitionRefused);
    expect(decide(sampleCase(P), supervisor, { action: 'release', input: {} }, { now }).set).toMatchObject({ status: R, owner: null });
    expect(refusal(() => decide(sampleCase(P), dept('d2'), SAMPLE.report.command, { now }))).toBeInstanceOf(TransitionRefused);
  });

  it.each<[Channel, boolean, CaseStatus]>([
    ['email', false, AP],
    ['postal', false, AP],
    ['hotline', false, AR],
    ['livechat', false, AR],
    ['hotline', true, AP],
  ])('draft on a %s case (answerInWriting %s) → %s', (channel, answerInWriting, to) => {
    const change = decide(sampleCase(RR, { channel }), agent, { action: 'draft', input: { text: 'Trả lời', answerInWriting } }, { now });
    expect(change.set.status).toBe(to);
    expect(change.set.answer).toMatchObject({ written: to === AP, status: to === AP ? 'pending_approval' : 'ready' });
  });

  it('written answers: deliver is refused before approval, allowed after', () => {
    const pending = sampleCase(AP);
    expect(refusal(() => decide(pending, agent, SAMPLE.deliver.command, { now }))).toBeInstanceOf(TransitionRefused);
    const approved = decide(pending, supervisor, { action: 'approve', input: {} }, { now });
    const ready = { ...pending, ...approved.set };
    expect(ready.status).toBe(AR);
    expect(decide(ready, agent, SAMPLE.deliver.command, { now }).set).toMatchObject({ status: A, answer: { status: 'delivered' } });
    // An answer_ready written case without an approval (e.g. data edited by hand) is still refused.
    const forged = sampleCase(AR, { answer: { ...ready.answer!, approvedAt: undefined, approvedBy: undefined } });
    expect(refusal(() => decide(forged, agent, SAMPLE.deliver.command, { now }))).toBeInstanceOf(TransitionRefused);
  });

  it('close needs root cause, lesson learned and whether the customer accepted', () => {
    const c = sampleCase(A);
    const close = (input: Record<string, unknown>) => decide(c, agent, { action: 'close', input } as CaseCommand, { now });
    expect(refusal(() => close({ lessonLearned: 'x', customerAccepted: true }))).toMatchObject({ field: 'rootCause' });
    expect(refusal(() => close({ rootCause: 'staff_error', lessonLearned: ' ', customerAccepted: true }))).toMatchObject({
      field: 'lessonLearned',
    });
    expect(refusal(() => close({ rootCause: 'staff_error', lessonLearned: 'x' }))).toBeInstanceOf(CaseInputInvalid);
    expect(close({ rootCause: 'staff_error', lessonLearned: 'đào tạo lại', customerAccepted: false }).set).toMatchObject({
      status: C,
      rootCause: { category: 'staff_error', customerAccepted: false },
    });
  });

  it('reopen: back to customer support with the new target, the old answer kept in the journal', () => {
    const change = decide(sampleCase(C, { reopenCount: 1, escalated: true }), operator, SAMPLE.reopen.command, { now });
    expect(change.set).toMatchObject({
      status: O,
      reopenCount: 2,
      owner: null,
      escalated: false,
      deadlines: { target: { dueDate: '2026-03-17' } },
    });
    expect(change.unset).toEqual(expect.arrayContaining(['answer', 'rootCause', 'closedAt']));
    expect(change.journal[0]!.data).toMatchObject({ reason: 'vẫn lỗi', round: 2, previous: { answer: { text: 'Kính gửi quý khách' } } });
    expect(
      refusal(() =>
        decide(sampleCase(C), operator, { action: 'reopen', input: { reason: '', deadlines: deadlines('2026-03-17') } }, { now }),
      ),
    ).toMatchObject({
      field: 'reason',
    });
  });

  it('reopen by a hotline operator: the caller’s phone or email must match the case’s customer', () => {
    const reopen = (contact?: { phone?: string; email?: string }) =>
      decide(
        sampleCase(C, { customer: { name: 'Lan', phone: '0912 345 678', email: 'lan@example.vn' } }),
        operator,
        { action: 'reopen', input: { reason: 'vẫn lỗi', deadlines: deadlines('2026-03-17'), ...(contact ? { contact } : {}) } },
        { now },
      );
    expect(reopen({ phone: '+84 912-345-678' }).set.status).toBe(O);
    expect(reopen({ email: ' Lan@Example.vn ' }).set.status).toBe(O);
    expect(refusal(() => reopen())).toMatchObject({ field: 'customerPhone' });
    expect(refusal(() => reopen({ phone: '0900000000' }))).toMatchObject({ field: 'customerPhone' });
    expect(refusal(() => reopen({ email: 'someone@else.vn' }))).toMatchObject({ field: 'customerEmail' });
    // The customer's own email reply needs no check; an agent may reopen without one.
    expect(
      decide(sampleCase(C), customer, { action: 'reopen', input: { reason: 'x', deadlines: deadlines('2026-03-17') } }, { now }).set.status,
    ).toBe(O);
    expect(
      decide(sampleCase(C), agent, { action: 'reopen', input: { reason: 'x', deadlines: deadlines('2026-03-17') } }, { now }).set.status,
    ).toBe(O);
  });

  it('resolve on contact: hotline and livechat only', () => {
    expect(decide(sampleCase(R, { channel: 'livechat' }), agent, SAMPLE.resolve_on_contact.command, { now }).set).toMatchObject({
      status: A,
      resolvedOnContact: true,
    });
    expect(
      refusal(() => decide(sampleCase(R, { channel: 'postal' }), operator, SAMPLE.resolve_on_contact.command, { now })),
    ).toBeInstanceOf(TransitionRefused);
  });

  it('idempotent system and customer entries: deadline checks, messages and mail events are written once', () => {
    const first = decide(sampleCase(R), system, SAMPLE.deadline_check.command, { now });
    expect(first.set).toMatchObject({ escalated: true, priority: 'high' });
    const after = sampleCase(R, { escalations: first.set.escalations!, priority: 'high', escalated: true });
    expect(decide(after, system, SAMPLE.deadline_check.command, { now }).noop).toBe(true);
    const msg = decide(sampleCase(R), customer, SAMPLE.customer_message.command, { now });
    expect(decide(sampleCase(R, { journal: msg.journal }), customer, SAMPLE.customer_message.command, { now }).noop).toBe(true);
    const sent = decide(sampleCase(R), system, SAMPLE.mail_event.command, { now });
    expect(decide(sampleCase(R, { journal: sent.journal }), system, SAMPLE.mail_event.command, { now }).noop).toBe(true);
  });

  it('survey: once per closing', () => {
    const first = decide(sampleCase(C), customer, SAMPLE.survey.command, { now });
    expect(first.set.surveys).toEqual([expect.objectContaining({ rating: 4, afterReopen: 0 })]);
    expect(refusal(() => decide(sampleCase(C, { surveys: first.set.surveys! }), customer, SAMPLE.survey.command, { now }))).toBeInstanceOf(
      TransitionRefused,
    );
    expect(refusal(() => decide(sampleCase(C), customer, { action: 'survey', input: { rating: 6 } }, { now }))).toMatchObject({
      field: 'rating',
    });
    // A link of an earlier closing (the case was reopened and closed again since) is void.
    const reclosed = sampleCase(C, { reopenCount: 1 });
    expect(refusal(() => decide(reclosed, customer, { action: 'survey', input: { rating: 5, round: 0 } }, { now }))).toBeInstanceOf(
      TransitionRefused,
    );
    expect(decide(reclosed, customer, { action: 'survey', input: { rating: 5, round: 1 } }, { now }).set.surveys).toEqual([
      expect.objectContaining({ rating: 5, afterReopen: 1 }),
    ]);
  });

  it('transfer and collaborate name real changes', () => {
    expect(
      refusal(() => decide(sampleCase(R), agent, { action: 'transfer', input: { department: 'hosting', reason: 'x' } }, { now })),
    ).toMatchObject({
      field: 'department',
    });
    const t = decide(sampleCase(P), owner, { action: 'transfer', input: { department: 'email', reason: 'lỗi email' } }, { now });
    expect(t.set).toMatchObject({ status: R, department: 'email', owner: null });
    const c = decide(
      sampleCase(R, { collaborators: ['domain'] }),
      agent,
      { action: 'collaborate', input: { departments: ['domain', 'billing'] } },
      { now },
    );
    expect(c.set.collaborators).toEqual(['domain', 'billing']);
    expect(
      decide(sampleCase(R, { collaborators: ['domain'] }), agent, { action: 'collaborate', input: { departments: ['domain'] } }, { now })
        .noop,
    ).toBe(true);
  });

  it('which channels are written is a setting (CASE_WRITTEN_CHANNELS)', () => {
    const settings = lifecycleSettingsFrom({ CASE_WRITTEN_CHANNELS: 'postal' });
    expect(settings.writtenChannels).toEqual(['postal']);
    const draft = (channel: Channel) =>
      decide(sampleCase(RR, { channel }), agent, { action: 'draft', input: { text: 'Trả lời' } }, { now, settings }).set.status;
    expect(draft('postal')).toBe(AP);
    expect(draft('email')).toBe(AR);
    expect(() => lifecycleSettingsFrom({ CASE_WRITTEN_CHANNELS: 'postal,fax' })).toThrow('fax');
    expect(lifecycleSettingsFrom({ CASE_WRITTEN_CHANNELS: '' }).writtenChannels).toEqual([]);
  });
});
