import type { CaseData, CaseView } from '../case-lifecycle/case-data';
import { caseWebhookEvents } from './case-webhook-events';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';
import { checkWebhookUrl, isNonPublicAddress } from './webhook-target';

const base = {
  caseNumber: 'KN26-00042',
  channel: 'hotline',
  status: 'routed',
  department: 'hosting',
  priority: 'normal',
  customer: { name: 'Trần Bình', phone: '0911000111', customerId: 'C-77' },
  subject: 'Website lỗi 500',
  bodyText: 'nội dung khiếu nại',
  receivedAt: new Date('2026-04-01T02:00:00Z'),
  deadlines: { target: { dueDate: '2026-04-08' }, cap: { dueDate: '2026-04-29' } },
  escalated: false,
  reopenCount: 0,
  version: 0,
  journal: [{ type: 'note', message: 'internal' }],
} as unknown as CaseView;
const at = new Date('2026-04-01T03:00:00Z');
const types = (action: string, before: Partial<CaseView> | null, after: Partial<CaseView>) =>
  caseWebhookEvents(
    { action: action as never, before: before ? ({ ...base, ...before } as unknown as CaseData) : null, after: { ...base, ...after } },
    at,
  ).map((e) => e.type);

describe('caseWebhookEvents', () => {
  it('maps the lifecycle’s changes to the six case events', () => {
    expect(types('receive', null, {})).toEqual(['case.received', 'case.routed']);
    expect(types('receive', null, { status: 'triage', department: 'triage' })).toEqual(['case.received']);
    expect(types('reclassify', { status: 'triage', department: 'triage' }, { version: 1 })).toEqual(['case.routed']);
    expect(types('transfer', { status: 'in_progress' }, { department: 'billing' })).toEqual(['case.routed']);
    expect(types('reclassify', {}, { department: 'billing' })).toEqual(['case.routed']);
    expect(types('note', {}, {})).toEqual([]);
    expect(types('claim', {}, { status: 'in_progress' })).toEqual([]);
    expect(types('escalate', {}, { escalated: true })).toEqual(['case.escalated']);
    expect(types('deadline_check', {}, { escalated: true })).toEqual(['case.escalated']);
    expect(types('escalate', { escalated: true }, { escalated: true })).toEqual([]);
    expect(types('deliver', { status: 'answer_ready' }, { status: 'answered' })).toEqual(['case.answered']);
    expect(types('resolve_on_contact', { status: 'routed' }, { status: 'answered' })).toEqual(['case.answered']);
    expect(types('delivery', { status: 'answered' }, { status: 'answered' })).toEqual([]);
    expect(types('close', { status: 'answered' }, { status: 'closed' })).toEqual(['case.closed']);
    expect(types('reopen', { status: 'closed' }, { status: 'reopened', reopenCount: 1 })).toEqual(['case.reopened']);
  });

  it('carries summary fields only, with an id stable per case, version and type', () => {
    const [event] = caseWebhookEvents(
      { action: 'close', before: { ...base, status: 'answered' } as unknown as CaseData, after: { ...base, status: 'closed', version: 7 } },
      at,
    );
    expect(event).toEqual({
      id: 'KN26-00042.7.closed',
      type: 'case.closed',
      occurredAt: at.toISOString(),
      action: 'close',
      previous: { status: 'answered', department: 'hosting' },
      case: {
        caseNumber: 'KN26-00042',
        channel: 'hotline',
        status: 'closed',
        department: 'hosting',
        priority: 'normal',
        subject: 'Website lỗi 500',
        customerId: 'C-77',
        receivedAt: '2026-04-01T02:00:00.000Z',
        targetDueDate: '2026-04-08',
        capDueDate: '2026-04-29',
        escalated: false,
        reopenCount: 0,
        version: 7,
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/0911000111|internal|nội dung/);
  });
});

describe('webhook signatures', () => {
  const body = '{"id":"x"}';
  const now = new Date('2026-04-01T03:00:00Z');
  it('signs t.body with HMAC-SHA256 and verifies it within the tolerance only', () => {
    const header = signWebhookBody('whsec_a', body, now);
    expect(header).toMatch(/^t=1775012400,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec_a', body, header, { now })).toBe(true);
    expect(verifyWebhookSignature('whsec_b', body, header, { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_a', `${body} `, header, { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, header, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, header.replace(/t=\d+/, 't=1775012401'), { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, undefined, { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, 'v1=abc', { now })).toBe(false);
  });
});

describe('webhook targets (SSRF)', () => {
  const production = { allowHttp: false, allowPrivate: false };
  const development = { allowHttp: true, allowPrivate: true };
  it('knows the non-public addresses, mapped IPv6 included', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:a00:1',
      '[::1]',
      'not-an-ip',
    ])
      expect([a, isNonPublicAddress(a)]).toEqual([a, true]);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect([a, isNonPublicAddress(a)]).toEqual([a, false]);
  });
  it('production: https to public hosts only; development: http and loopback too', () => {
    expect(checkWebhookUrl('https://crm.example.com/hooks', production).ok).toBe(true);
    for (const url of [
      'http://crm.example.com/hooks',
      'https://127.0.0.1/x',
      'https://10.0.0.5/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest/meta-data',
      'https://localhost/x',
      'https://crm.internal/x',
      'https://intranet/x',
      'https://u:p@crm.example.com/x',
      'ftp://crm.example.com/x',
      'not a url',
    ])
      expect([url, checkWebhookUrl(url, production).ok]).toEqual([url, false]);
    expect(checkWebhookUrl('http://127.0.0.1:4000/hooks', development).ok).toBe(true);
    expect(checkWebhookUrl('ftp://127.0.0.1/x', development).ok).toBe(false);
    expect(checkWebhookUrl('https://10.0.0.5/x', { allowHttp: false, allowPrivate: true }).ok).toBe(true);
  });
});
