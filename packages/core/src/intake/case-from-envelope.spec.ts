import type { IntakeEnvelope } from '@cg/contracts';
import type { CaseDeadlines } from '../deadlines/case-deadlines';
import { buildCaseFromEnvelope, type CaseClassification } from './case-from-envelope';
import { buildSearchText, foldForSearch } from '../text/search-text';

const envelope: IntakeEnvelope = {
  schemaVersion: 1,
  caseNumber: 'KN26-00007',
  channel: 'hotline',
  idempotencyKey: 'call-7',
  customer: { name: 'Đỗ Minh Đức', phone: '0912000000' },
  bodyText: 'Website bị tấn công, mất dữ liệu',
  attachments: [],
  receivedAt: '2026-03-02T03:00:00.000Z',
  rawRef: 'hotline-call:call-7',
  recordedBy: { staffId: 'op1', role: 'hotline_operator', name: 'Op' },
  resolvedOnContact: false,
};
const deadlines: CaseDeadlines = {
  target: { dueAt: new Date('2026-03-09T17:00:00Z'), dueDate: '2026-03-09', workingDays: 5 },
  cap: { dueAt: new Date('2026-03-30T17:00:00Z'), dueDate: '2026-03-30', length: 20, unit: 'working_days' },
  policy: { targetWorkingDays: 5, capLength: 20, capUnit: 'working_days' },
  explanation: { receivedLocal: '', countingStartsOn: '', skipped: [], makeupWorkingDays: [], provisional: false, notes: [] },
  extensions: [],
};
const cls = (over: Partial<CaseClassification> = {}): CaseClassification => ({
  department: 'technical',
  bestGuess: 'technical',
  confidence: 0.93,
  abstained: false,
  method: 'model',
  evidence: ['tan cong'],
  priority: 'urgent',
  urgencyFlags: ['data_loss'],
  ...over,
});
const now = new Date('2026-03-02T03:00:01Z');

describe('buildCaseFromEnvelope', () => {
  it('routes a confident classification to its department with the whole journal', () => {
    const c = buildCaseFromEnvelope(envelope, cls(), deadlines, 'x', now);
    expect(c).toMatchObject({ status: 'routed', department: 'technical', priority: 'urgent', caseNumber: 'KN26-00007' });
    expect(c.journal.map((j) => j.type)).toEqual(['received', 'classified', 'routed']);
    expect(c.journal[0]!.actor).toEqual({ kind: 'staff', id: 'op1', role: 'hotline_operator', name: 'Op' });
    expect(c.journal[1]!.message).toContain('data_loss');
    expect(c.classification).not.toHaveProperty('priority');
  });

  it('sends an abstention to triage', () => {
    const c = buildCaseFromEnvelope(
      envelope,
      cls({ department: 'triage', bestGuess: 'hosting', abstained: true, confidence: 0.4 }),
      deadlines,
      'x',
      now,
    );
    expect(c).toMatchObject({ status: 'triage', department: 'triage' });
    expect(c.journal[1]!.message).toBe(
      'Classifier not confident (best guess hosting at 40%): manual triage needed. Urgency: data_loss → priority urgent.',
    );
  });

  it('starts every lifecycle field at its default (version 0, no owner)', () => {
    const c = buildCaseFromEnvelope(envelope, cls(), deadlines, 'x', now);
    expect(c).toMatchObject({ version: 0, owner: null, collaborators: [], reopenCount: 0, escalated: false, escalations: [] });
  });

  it('closes a complaint resolved on first contact and says so in the journal', () => {
    const c = buildCaseFromEnvelope({ ...envelope, resolvedOnContact: true }, cls(), deadlines, 'x', now);
    expect(c.status).toBe('closed');
    expect(c.closedAt).toEqual(now);
    expect(c.journal.at(-1)!.type).toBe('resolved_on_contact');
  });
});

describe('search text', () => {
  it('folds Vietnamese so searches work with or without diacritics', () => {
    expect(foldForSearch('  Đỗ Minh   ĐỨC ')).toBe('do minh duc');
    expect(buildSearchText(['Tên miền', undefined, 'HẾT HẠN'])).toBe(
      'ten mien hết hạn'
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace('hê', 'he'),
    );
  });
});
