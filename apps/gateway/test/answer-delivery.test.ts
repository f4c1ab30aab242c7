// Step 4 end to end on the real Redis, FerretDB, Dovecot, SMTP sink and poppler's pdfsig: a written
// answer is drafted from the template, refused before sign-off on every route that could send it,
// signed off (letter rendered and signed with a throw-away company certificate made here with
// openssl), and delivered as a threaded email with the signed PDF attached; a hotline answer
// becomes a callback task; an SMTP server that keeps refusing ends in a failed delivery on the case.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { STAFF_ROLES } from '@cg/contracts';
import { hasPermission } from '@cg/core';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import { ANSWER_ROUTES } from '../src/answers/answer.routes';
import { TestVisitor } from './support/livechat-clients';

const run = promisify(execFile);
const SIGNER_CN = 'Công ty Thử nghiệm Chữ ký';

interface JournalItem {
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

describe('step 4: answers signed off, signed and delivered on the channel', () => {
  let stack: TestStack;
  let dir: string;
  let agent: string;
  let supervisor: string;
  let operator: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-answers-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-utf8',
      '-subj', `/C=VN/O=${SIGNER_CN}/CN=${SIGNER_CN}`,
    ]); // prettier-ignore
    await run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', join(dir, 'c.p12'), '-passout', 'pass:thu-nghiem']);
    const p12 = await readFile(join(dir, 'c.p12'));
    stack = await startTestStack({
      mailPoller: true,
      env: {
        LETTER_SIGNING_P12_BASE64: p12.toString('base64'),
        LETTER_SIGNING_PASSPHRASE: 'thu-nghiem',
        POSTAL_STORE_DIR: join(dir, 'store'),
        // Three tries, 200 ms then 400 ms apart: the failure test ends in about a second.
        ANSWER_DELIVERY_ATTEMPTS: '3',
        ANSWER_DELIVERY_BACKOFF_MS: '200',
      },
    });
    agent = await stack.tokenFor('cs_agent');
    supervisor = await stack.tokenFor('supervisor');
    operator = await stack.tokenFor('hotline_operator');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (caseNumber: string, path: string, token: string, json: unknown = {}) =>
    stack.api(`/api/v1/cases/${caseNumber}/${path}`, { method: 'POST', token, json });
  const getCase = async (caseNumber: string) => (await stack.api(`/api/v1/cases/${caseNumber}`, { token: agent })).body;

  /** Routed → claimed by its department → result reported. */
  async function handledByDepartment(caseNumber: string): Promise<void> {
    let c = await getCase(caseNumber);
    if (c.department === 'triage') {
      const r = await stack.api(`/api/v1/cases/${caseNumber}/classification`, {
        method: 'PATCH',
        token: agent,
        json: { department: 'domain' },
      });
      expect(r.status).toBe(200);
      c = await getCase(caseNumber);
    }
    const staff = await stack.tokenFor('department_staff', c.department);
    expect((await post(caseNumber, 'claim', staff)).status).toBe(200);
    const reported = await post(caseNumber, 'report', staff, {
      findings: 'The DNS zone of the domain was missing its A record after the migration.',
      cause: 'A record dropped during the DNS platform migration.',
      remedy: 'The A record was restored; the domain resolves again.',
    });
    expect(reported.body).toMatchObject({ status: 'resolution_reported' });
  }

  async function hotlineCase(email?: string): Promise<string> {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: {
        caller: { name: 'Trần Bình', phone: '0911000111', ...(email ? { email } : {}) },
        notes: 'Hosting báo lỗi 500, website không truy cập được.',
        callId: `c-${randomUUID()}`,
      },
    });
    expect(res.status).toBe(202);
    await waitFor(
      `case ${res.body.caseNumber}`,
      async () => (await stack.api(`/api/v1/cases/${res.body.caseNumber}`, { token: agent })).status === 200,
    );
    return res.body.caseNumber as string;
  }

  it('an email complaint: template (English) → deliver refused before sign-off → approved → threaded reply with the signed PDF → pdfsig valid → journalled', async () => {
    const customer = `khach.${randomUUID().slice(0, 8)}@customer.example`;
    const messageId = `<${randomUUID()}@customer.example>`;
    const raw = [
      `From: Anna Smith <${customer}>`,
      'To: support@tenten.test',
      'Subject: My domain does not resolve',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, my domain annasmith.vn has not been resolving since yesterday. I have paid the renewal invoice. Please fix it.',
    ].join('\r\n');
    await stack.dovecot.append([raw]);
    const caseNumber = await waitFor('the email case', async () => (await stack.caseOf(messageId))?.caseNumber);
    await handledByDepartment(caseNumber);

    const template = await stack.api(`/api/v1/cases/${caseNumber}/answer/template`, { token: agent });
    expect(template.status).toBe(200);
    expect(template.body.language).toBe('en');
    expect(template.body.text).toContain(caseNumber);
    expect(template.body.text).toContain('Dear Anna Smith');
    expect(template.body.text).toContain('The A record was restored');
    expect(template.body.text).toContain('2. What we found');
    expect((await stack.api(`/api/v1/cases/${caseNumber}/answer/template`, { token: operator })).status).toBe(403);

    const drafted = await post(caseNumber, 'answer', agent, { text: template.body.text });
    expect(drafted.body).toMatchObject({ status: 'answer_pending_approval', answer: { written: true } });

    // Nothing written leaves before sign-off, whatever the route.
    const refusals = await Promise.all([
      post(caseNumber, 'deliver', agent),
      post(caseNumber, 'deliver', supervisor, { via: 'email' }),
      post(caseNumber, 'mailed', supervisor, {}),
      post(caseNumber, 'callback-outcome', supervisor, { outcome: 'reached', note: 'đã đọc câu trả lời' }),
      post(caseNumber, 'resolve-on-contact', agent, { note: 'xong' }),
      post(caseNumber, 'close', agent, { rootCause: 'our_system_fault', lessonLearned: 'x', customerAccepted: true }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([409, 409, 409, 409, 409, 409]);
    expect(refusals[0].body).toMatchObject({ state: 'answer_pending_approval', action: 'deliver' });
    expect((await stack.api(`/api/v1/cases/${caseNumber}/answer/letter.pdf`, { token: agent })).status).toBe(404);
    expect((await post(caseNumber, 'answer/approve', agent)).status).toBe(403);

    const approved = await post(caseNumber, 'answer/approve', supervisor, { comment: 'Đồng ý' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'answer_ready', answer: { letter: { certificate: 'company' } } });
    const letter = approved.body.answer.letter as { sha256: string; signer: { name: string; title: string } };
    expect(letter.signer).toEqual({ name: 'Test supervisor', title: 'Head of Customer Care' });
    const download = await fetch(`${stack.url}/api/v1/cases/${caseNumber}/answer/letter.pdf`, {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    const downloaded = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(letter.sha256);
    // No answer reached the customer before delivery: only the receipt.
    expect(stack.smtp.to(customer).filter((m) => m.parsed.attachments.length > 0)).toHaveLength(0);

    const delivered = await post(caseNumber, 'deliver', agent);
    expect(delivered.body).toMatchObject({ status: 'answered', answer: { delivery: { status: 'queued', via: 'email' } } });
    const mail = await waitFor('the answer at the SMTP sink', () =>
      stack.smtp.to(customer).find((m) => m.parsed.attachments.some((a) => a.contentType === 'application/pdf')),
    );
    // Threaded under the whole conversation: the customer's mail, then our receipt (the last message).
    const receipt = stack.smtp.to(customer).find((m) => m.parsed.attachments.length === 0)!;
    expect([mail.parsed.references].flat()).toEqual([messageId, receipt.parsed.messageId]);
    expect(mail.parsed.inReplyTo).toBe(receipt.parsed.messageId);
    expect(mail.parsed.subject).toContain(caseNumber);
    expect(mail.parsed.text).toContain('The A record was restored');
    const pdf = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(createHash('sha256').update(pdf.content).digest('hex')).toBe(letter.sha256);
    const file = join(dir, `${caseNumber}.pdf`);
    await writeFile(file, pdf.content);
    const { stdout: report } = await run('pdfsig', [file]);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain(`Signer Certificate Common Name: ${SIGNER_CN}`);
    expect(report).toContain('Total document signed');

    const done = await waitFor('the delivery journalled', async () => {
      const c = await getCase(caseNumber);
      return c.answer.delivery.status === 'sent' ? c : undefined;
    });
    expect(done.status).toBe('answered');
    const types = (done.journal as JournalItem[]).map((j) => j.type);
    expect(types).toEqual(expect.arrayContaining(['answer_drafted', 'answer_approved', 'answer_delivered', 'answer_sent']));
    expect((done.journal as JournalItem[]).find((j) => j.type === 'answer_approved')!.data).toMatchObject({ letterSha256: letter.sha256 });
    expect((done.journal as JournalItem[]).filter((j) => j.type === 'answer_sent')).toHaveLength(1);
    // The answer stays one message: the worker sent it once.
    expect(stack.smtp.to(customer).filter((m) => m.parsed.attachments.length > 0)).toHaveLength(1);
  }, 120_000);

  it('a hotline case: the answer becomes a callback task for operators; outcomes are journalled', async () => {
    const caseNumber = await hotlineCase();
    await handledByDepartment(caseNumber);
    const drafted = await post(caseNumber, 'answer', agent, { text: 'Chúng tôi đã khắc phục lỗi 500 trên hosting của Quý khách.' });
    expect(drafted.body).toMatchObject({ status: 'answer_ready' }); // hotline answers are not written
    expect((await post(caseNumber, 'deliver', agent)).body).toMatchObject({ status: 'answered', answer: { delivery: { via: 'hotline' } } });

    const listed = await waitFor('the callback task', async () => {
      const r = await stack.api('/api/v1/callbacks', { token: operator });
      return r.body.items.find((i: { caseNumber: string }) => i.caseNumber === caseNumber);
    });
    expect(listed).toMatchObject({ status: 'awaiting_callback', customer: { phone: '0911000111' }, callbackAttempts: 0 });
    expect((await stack.api('/api/v1/callbacks', { token: agent })).status).toBe(403);

    const missing = await post(caseNumber, 'callback-outcome', operator, { outcome: 'maybe', note: '' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['outcome', 'note'].sort());

    const first = await post(caseNumber, 'callback-outcome', operator, { outcome: 'not_reached', note: 'Thuê bao không liên lạc được' });
    expect(first.body.delivery).toMatchObject({ status: 'awaiting_callback', callbackAttempts: 1 });
    const second = await post(caseNumber, 'callback-outcome', operator, { outcome: 'reached', note: 'Khách đã nghe và đồng ý' });
    expect(second.body.delivery).toMatchObject({ status: 'done', callbackAttempts: 2 });
    const after = await stack.api('/api/v1/callbacks', { token: operator });
    expect(after.body.items.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(caseNumber);
    expect((await post(caseNumber, 'callback-outcome', operator, { outcome: 'reached', note: 'lần nữa' })).status).toBe(409);
    const journal = (await stack.api(`/api/v1/cases/${caseNumber}/journal`, { token: agent })).body.items as JournalItem[];
    expect(journal.filter((j) => j.type === 'callback_outcome').map((j) => j.data?.outcome)).toEqual(['not_reached', 'reached']);
    expect(journal.some((j) => j.type === 'answer_delivery_task')).toBe(true);
  }, 60_000);

  it('a written answer by post: the signed letter is queued for printing; the clerk records the mailing date', async () => {
    const caseNumber = await hotlineCase();
    await handledByDepartment(caseNumber);
    // A draft that still says a section was not reported is never signed.
    await post(caseNumber, 'answer', agent, {
      text: 'Nguyên nhân: [Bộ phận xử lý chưa báo cáo: bổ sung trước khi gửi]',
      answerInWriting: true,
    });
    const unfinished = await post(caseNumber, 'answer/approve', supervisor);
    expect(unfinished.status).toBe(422);
    expect(unfinished.body.errors.map((e: { field: string }) => e.field)).toEqual(['text']);
    const drafted = await post(caseNumber, 'answer', agent, {
      text: 'Kính gửi Quý khách, chúng tôi đã khắc phục lỗi 500 trên hosting.',
      answerInWriting: true,
    });
    expect(drafted.body).toMatchObject({ status: 'answer_pending_approval' });
    const approved = await post(caseNumber, 'answer/approve', supervisor);
    // A Vietnamese complaint: the default title is Vietnamese.
    expect(approved.body.answer.letter.signer).toEqual({ name: 'Test supervisor', title: 'Trưởng bộ phận Chăm sóc khách hàng' });
    expect((await post(caseNumber, 'deliver', agent, { via: 'postal' })).body).toMatchObject({ status: 'answered' });
    const clerk = await stack.tokenFor('postal_clerk');
    const item = await waitFor('the letter to post', async () => {
      const r = await stack.api('/api/v1/postal/outgoing', { token: clerk });
      return r.body.items.find((i: { caseNumber: string }) => i.caseNumber === caseNumber);
    });
    expect(item).toMatchObject({ status: 'awaiting_mailing', letterSha256: approved.body.answer.letter.sha256 });
    expect((await stack.api(item.letterUrl, { token: clerk })).status).toBe(200);
    const bad = await post(caseNumber, 'mailed', clerk, { mailedOn: '03/12/2026' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['mailedOn']);
    const mailed = await post(caseNumber, 'mailed', clerk, { mailedOn: '2026-12-03' });
    expect(mailed.body).toMatchObject({ changed: true, delivery: { status: 'done', mailedOn: '2026-12-03' } });
    expect((await post(caseNumber, 'mailed', clerk, { mailedOn: '2026-12-04' })).body).toMatchObject({ changed: false });
    const outgoing = await stack.api('/api/v1/postal/outgoing', { token: clerk });
    expect(outgoing.body.items.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(caseNumber);
  }, 60_000);

  it('a livechat complaint: the answer is a message in the conversation, with an email copy to the address given', async () => {
    const email = `lan.${randomUUID().slice(0, 8)}@customer.example`;
    const visitor = (await TestVisitor.start(stack.url, { email })).connect();
    try {
      await visitor.connected();
      const ack = await visitor.send('Hosting báo lỗi 500, website không truy cập được từ sáng nay.');
      const caseNumber = ack.receipt!.caseNumber;
      await waitFor(`case ${caseNumber}`, async () => (await stack.api(`/api/v1/cases/${caseNumber}`, { token: agent })).status === 200);
      await handledByDepartment(caseNumber);
      const text = 'Chúng tôi đã khắc phục lỗi 500 trên hosting của Quý khách.';
      expect((await post(caseNumber, 'answer', agent, { text })).body).toMatchObject({ status: 'answer_ready' });
      expect((await post(caseNumber, 'deliver', agent)).body).toMatchObject({ answer: { delivery: { via: 'livechat' } } });
      await waitFor('the answer in the chat', () => [...visitor.messages.values()].find((m) => m.text === text));
      const copy = await waitFor('the email copy', () => stack.smtp.to(email).find((m) => m.parsed.text?.includes(text)));
      expect(copy.parsed.subject).toContain(caseNumber);
      const c = await waitFor('the delivery journalled', async () => {
        const r = await getCase(caseNumber);
        return r.answer.delivery.status === 'sent' ? r : undefined;
      });
      expect((c.journal as JournalItem[]).find((j) => j.type === 'answer_sent')!.message).toContain(`email copy sent to ${email}`);
    } finally {
      visitor.close();
    }
  }, 60_000);

  it('SMTP keeps refusing: the delivery is retried with backoff, then marked failed on the case', async () => {
    const customer = `binh.${randomUUID().slice(0, 8)}@customer.example`;
    const caseNumber = await hotlineCase(customer);
    await handledByDepartment(caseNumber);
    await post(caseNumber, 'answer', agent, { text: 'Chúng tôi đã khắc phục lỗi 500.' });
    stack.smtp.refuse = true;
    const refusalsBefore = stack.smtp.refusals;
    try {
      expect((await post(caseNumber, 'deliver', agent, { via: 'email' })).body).toMatchObject({ answer: { delivery: { via: 'email' } } });
      const failed = await waitFor(
        'the delivery marked failed',
        async () => {
          const c = await getCase(caseNumber);
          return c.answer.delivery.status === 'failed' ? c : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(failed.answer.delivery.reason).toMatch(/try again later|451/);
      const entries = (failed.journal as JournalItem[]).filter((j) => j.type === 'answer_delivery_failed');
      expect(entries).toHaveLength(1);
      expect(entries[0]!.message).toContain('a person must reach the customer');
      const row = await stack.db.mailOutbound.findByDedupeKey(`answer:${caseNumber}:0`);
      expect(row).toMatchObject({ status: 'failed', attempts: 3 });
      expect(stack.smtp.refusals - refusalsBefore).toBeGreaterThanOrEqual(3);
    } finally {
      stack.smtp.refuse = false;
    }
  }, 60_000);

  it('a delivery recorded but never queued (Redis refused at the gateway) is queued by the worker relay', async () => {
    const customer = `chi.${randomUUID().slice(0, 8)}@customer.example`;
    const caseNumber = await hotlineCase(customer);
    await handledByDepartment(caseNumber);
    const text = 'Chúng tôi đã khắc phục lỗi 500; xin lỗi vì sự bất tiện.';
    await post(caseNumber, 'answer', agent, { text });
    // The lifecycle alone, as if the gateway's queue.add had failed after the commit.
    await stack.workers!.lifecycle.deliver(
      caseNumber,
      { kind: 'staff', id: 'cs-1', name: 'Test cs_agent', role: 'cs_agent' },
      { via: 'email' },
    );
    const mail = await waitFor('the answer sent by the relay', () => stack.smtp.to(customer).find((m) => m.parsed.text?.includes(text)), {
      timeoutMs: 30_000,
    });
    expect(mail.parsed.subject).toContain(caseNumber);
    await waitFor('sent on the case', async () => (await getCase(caseNumber)).answer.delivery.status === 'sent');
  }, 60_000);

  it('every answer route with every role: 403 exactly when the permissions table says no', async () => {
    const wrong: string[] = [];
    for (const role of STAFF_ROLES) {
      const token = await stack.tokenFor(role, role === 'department_staff' ? 'hosting' : undefined);
      for (const r of Object.values(ANSWER_ROUTES)) {
        const path = r.path.replace(':caseNumber', 'KN99-99999');
        const res = await stack.api(`/api/v1${path}`, { method: r.method, token, ...(r.method === 'POST' ? { json: {} } : {}) });
        const expected = hasPermission(role, r.permission) ? [200, 400, 404] : [403];
        if (!expected.includes(res.status)) wrong.push(`${role} ${r.method} ${path}: ${res.status}, expected ${expected.join(' or ')}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
