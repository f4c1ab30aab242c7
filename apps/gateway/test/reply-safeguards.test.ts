// What staff send by email, on the real Redis, FerretDB, Dovecot and SMTP sink:
// - the reply route is no way around a supervisor's sign-off of a written answer (409);
// - an Idempotency-Key makes a retried reply the same reply (sent once);
// - a joined email from someone else, or failing authentication, is flagged and never redirects replies;
// - a delivery that failed for good is delivered again on request, and failures are listed;
// - hard-failing mail gets a final status, is journalled, and never blocks the outbox relay.
import { randomUUID } from 'node:crypto';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

interface JournalItem {
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

describe('staff email: sign-off, idempotency, impostors, failed deliveries, a stalled outbox', () => {
  let stack: TestStack;
  let agent: string;
  let supervisor: string;
  let operator: string;

  beforeAll(async () => {
    stack = await startTestStack({
      mailPoller: true,
      env: { ANSWER_DELIVERY_ATTEMPTS: '2', ANSWER_DELIVERY_BACKOFF_MS: '100' },
    });
    agent = await stack.tokenFor('cs_agent');
    supervisor = await stack.tokenFor('supervisor');
    operator = await stack.tokenFor('hotline_operator');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const post = (caseNumber: string, path: string, token: string, json: unknown = {}, headers?: Record<string, string>) =>
    stack.api(`/api/v1/cases/${caseNumber}/${path}`, { method: 'POST', token, json, ...(headers ? { headers } : {}) });
  const getCase = async (caseNumber: string) => (await stack.api(`/api/v1/cases/${caseNumber}`, { token: agent })).body;
  const journal = async (caseNumber: string) => (await getCase(caseNumber)).journal as JournalItem[];

  const REPORT = {
    findings: 'The DNS zone of the domain lost its A record during the platform migration last night.',
    cause: 'A record dropped during the DNS platform migration.',
    remedy: 'We restored the A record and the domain resolves again for every visitor.',
  };

  async function handledByDepartment(caseNumber: string): Promise<void> {
    let c = await getCase(caseNumber);
    if (c.department === 'triage') {
      await stack.api(`/api/v1/cases/${caseNumber}/classification`, { method: 'PATCH', token: agent, json: { department: 'domain' } });
      c = await getCase(caseNumber);
    }
    const staff = await stack.tokenFor('department_staff', c.department);
    expect((await post(caseNumber, 'claim', staff)).status).toBe(200);
    expect((await post(caseNumber, 'report', staff, REPORT)).body).toMatchObject({ status: 'resolution_reported' });
  }

  async function emailCase(customer: string): Promise<{ caseNumber: string; messageId: string }> {
    const messageId = `<${randomUUID()}@customer.example>`;
    await stack.dovecot.append([
      [
        `From: Lan Nguyen <${customer}>`,
        'To: support@tenten.test',
        'Subject: Tên miền không truy cập được',
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Tên miền lannguyen.vn của tôi không truy cập được từ hôm qua dù tôi đã gia hạn. Xin kiểm tra giúp.',
      ].join('\r\n'),
    ]);
    const caseNumber = await waitFor('the email case', async () => (await stack.caseOf(messageId))?.caseNumber);
    return { caseNumber, messageId };
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
    const caseNumber = res.body.caseNumber as string;
    await waitFor(`case ${caseNumber}`, async () => (await stack.api(`/api/v1/cases/${caseNumber}`, { token: agent })).status === 200);
    return caseNumber;
  }

  it('a reply is refused while a written answer awaits sign-off, and when it carries the unapproved answer; correspondence passes', async () => {
    const customer = `lan.${randomUUID().slice(0, 8)}@customer.example`;
    const { caseNumber } = await emailCase(customer);
    await handledByDepartment(caseNumber);

    // Before any draft: correspondence is fine, the department's remedy pasted into a reply is not.
    expect((await post(caseNumber, 'replies', agent, { text: 'Chúng tôi đang kiểm tra và sẽ trả lời sớm.' })).status).toBe(202);
    const remedy = await post(caseNumber, 'replies', agent, { text: `Dear customer, ${REPORT.remedy} Best regards.` });
    expect(remedy.status).toBe(409);
    expect(remedy.body).toMatchObject({ state: 'resolution_reported', action: 'correspond' });
    expect(remedy.body.detail).toContain('the department’s remedy');

    const answer = `Dear Lan, ${REPORT.findings} ${REPORT.remedy} We apologise for the trouble.`;
    expect((await post(caseNumber, 'answer', agent, { text: answer })).body).toMatchObject({ status: 'answer_pending_approval' });
    // Pending sign-off: nothing written leaves, whatever the text.
    const pending = await post(caseNumber, 'replies', agent, { text: 'Xin chào, chúng tôi sẽ sớm gửi văn bản trả lời.' });
    expect(pending.status).toBe(409);
    expect(pending.body).toMatchObject({ state: 'answer_pending_approval', action: 'correspond' });
    expect(pending.body.detail).toContain('sign-off');

    // Returned: the draft's wording in a reply is still the unapproved answer.
    expect((await post(caseNumber, 'answer/return', supervisor, { comment: 'Thêm lời xin lỗi.' })).status).toBe(200);
    const draftAsReply = await post(caseNumber, 'replies', agent, { text: answer });
    expect(draftAsReply.status).toBe(409);
    expect(draftAsReply.body.detail).toContain('the drafted answer');

    // Signed off: the reply route is open again (the answer itself goes by …/deliver).
    await post(caseNumber, 'answer', agent, { text: answer });
    expect((await post(caseNumber, 'answer/approve', supervisor)).status).toBe(200);
    expect((await post(caseNumber, 'replies', agent, { text: 'Văn bản trả lời đã được duyệt và sẽ gửi ngay.' })).status).toBe(202);

    const replies = (await stack.db.mailOutbound.listForCase(caseNumber)).filter((m) => m.kind === 'reply');
    expect(replies).toHaveLength(2);
    expect(replies.some((m) => m.text.includes(REPORT.remedy))).toBe(false);
    expect((await journal(caseNumber)).filter((j) => j.type === 'email_reply_queued')).toHaveLength(2);
  }, 90_000);

  it('an Idempotency-Key makes a retried reply the same reply: one row, one journal line, one email; another text with it is 422', async () => {
    const customer = `minh.${randomUUID().slice(0, 8)}@customer.example`;
    const caseNumber = await hotlineCase(customer);
    const key = `reply-${randomUUID()}`;
    const text = 'Chúng tôi đã nhận được phản ánh của Quý khách và đang kiểm tra.';
    const first = await post(caseNumber, 'replies', agent, { text }, { 'Idempotency-Key': key });
    const again = await post(caseNumber, 'replies', agent, { text }, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ outboundId: first.body.outboundId, duplicate: true, to: customer });
    const other = await post(caseNumber, 'replies', agent, { text: 'Một nội dung khác.' }, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    expect(other.body.code ?? other.body.type).toMatch(/idempotency_key_reused/);
    const bad = await post(caseNumber, 'replies', agent, { text }, { 'Idempotency-Key': 'x' });
    expect(bad.status).toBe(400);

    await waitFor('the reply sent', () => stack.smtp.to(customer).find((m) => m.parsed.text?.includes(text)));
    await waitFor('journalled as sent', async () => (await journal(caseNumber)).some((j) => j.type === 'email_sent'));
    expect(stack.smtp.to(customer).filter((m) => m.parsed.text?.includes(text))).toHaveLength(1);
    expect((await journal(caseNumber)).filter((j) => j.type === 'email_reply_queued')).toHaveLength(1);
  }, 60_000);

  it('an impostor on the thread (signed Message-ID, own Reply-To) and a spoofed From failing DMARC are flagged; replies still go to the customer', async () => {
    const customer = `hoa.${randomUUID().slice(0, 8)}@customer.example`;
    const attacker = `thief.${randomUUID().slice(0, 8)}@evil.example`;
    const { caseNumber, messageId } = await emailCase(customer);
    const receipt = await waitFor('the receipt', () => stack.smtp.to(customer)[0]);
    const ours = receipt.parsed.messageId!;

    // 1. Someone else replies on the thread (our signed Message-ID is on every message) with a Reply-To of their own.
    const impostorId = `<${randomUUID()}@evil.example>`;
    await stack.dovecot.append([
      [
        `From: Hoa <${attacker}>`,
        `Reply-To: ${attacker}`,
        'To: support@tenten.test',
        `Subject: Re: [${caseNumber}] Tên miền không truy cập được`,
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: ${impostorId}`,
        `In-Reply-To: ${ours}`,
        `References: ${messageId} ${ours}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Tôi đã đổi email, xin gửi kết quả về địa chỉ này.',
      ].join('\r\n'),
    ]);
    // 2. A mail with the customer's From, the case number in the subject, and a failed DMARC check.
    const spoofId = `<${randomUUID()}@customer.example>`;
    await stack.dovecot.append([
      [
        'Authentication-Results: mx.tenten.test; spf=fail smtp.mailfrom=customer.example; dkim=none; dmarc=fail (p=reject) header.from=customer.example',
        'Authentication-Results: forged.example; dmarc=pass header.from=customer.example',
        `From: Hoa <${customer}>`,
        `Reply-To: ${attacker}`,
        'To: support@tenten.test',
        `Subject: Re: ${caseNumber} cập nhật`,
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: ${spoofId}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Vui lòng trả lời về địa chỉ mới.',
      ].join('\r\n'),
    ]);
    const flagged = await waitFor('both mails joined and flagged', async () => {
      const c = await getCase(caseNumber);
      return (c.senderAlerts ?? []).length === 2 ? c : undefined;
    });
    const alerts = flagged.senderAlerts as Array<{ from: string; reasons: string[]; authentication: { dmarc: string; verdict: string } }>;
    expect(alerts.find((a) => a.from === attacker)).toMatchObject({
      reasons: ['sender_not_customer'],
      authentication: { verdict: 'unknown' },
    });
    expect(alerts.find((a) => a.from === customer)).toMatchObject({
      reasons: ['authentication_failed'],
      authentication: { dmarc: 'fail', verdict: 'fail' },
    });
    const flags = (flagged.journal as JournalItem[]).filter((j) => j.type === 'email_sender_flagged');
    expect(flags).toHaveLength(2);
    expect(flags.map((f) => f.message).join(' ')).toContain(`Replies still go to ${customer}`);
    expect(flagged.customer.email).toBe(customer);

    // The next reply goes to the customer, not to the Reply-To of the last mail.
    const reply = await post(caseNumber, 'replies', agent, { text: 'Chúng tôi chỉ gửi thư về địa chỉ đã đăng ký của Quý khách.' });
    expect(reply.status).toBe(202);
    expect(reply.body.to).toBe(customer);
    await waitFor('the reply at the customer', () => stack.smtp.to(customer).find((m) => m.parsed.text?.includes('địa chỉ đã đăng ký')));
    expect(stack.smtp.to(attacker)).toHaveLength(0);

    // Staff review the flags (address kept); a confirmed change is the only way replies move.
    const missing = await post(caseNumber, 'reply-address', agent, { email: 'not-an-address' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'note']);
    expect((await post(caseNumber, 'reply-address', operator, { note: 'x' })).status).toBe(403);
    const kept = await post(caseNumber, 'reply-address', agent, { note: 'Gọi cho khách: khách không đổi email, thư kia là giả mạo.' });
    expect(kept.status).toBe(200);
    expect(kept.body.customer.email).toBe(customer);
    expect(kept.body.senderAlerts.every((a: { reviewedAt?: string }) => a.reviewedAt)).toBe(true);
    const moved = await post(caseNumber, 'reply-address', agent, {
      email: `hoa.moi@customer.example`,
      note: 'Khách xác nhận qua điện thoại.',
    });
    expect(moved.body.customer.email).toBe('hoa.moi@customer.example');
    expect((await post(caseNumber, 'replies', agent, { text: 'Thư về địa chỉ mới đã xác nhận.' })).body.to).toBe(
      'hoa.moi@customer.example',
    );
    const entries = (await journal(caseNumber)).filter((j) => j.type === 'reply_address_confirmed');
    expect(entries.map((e) => e.data?.email ?? null)).toEqual([null, 'hoa.moi@customer.example']);
  }, 90_000);

  it('a delivery that failed for good is listed, then delivered again on request (journalled), once', async () => {
    const customer = `binh.${randomUUID().slice(0, 8)}@customer.example`;
    const caseNumber = await hotlineCase(customer);
    await handledByDepartment(caseNumber);
    const text = 'Chúng tôi đã khắc phục lỗi 500 trên hosting của Quý khách.';
    await post(caseNumber, 'answer', agent, { text });
    expect((await post(caseNumber, 'deliver-again', agent)).status).toBe(409); // nothing delivered yet
    stack.smtp.refuse = true;
    try {
      await post(caseNumber, 'deliver', agent, { via: 'email' });
      await waitFor('the delivery failed', async () => (await getCase(caseNumber)).answer.delivery.status === 'failed', {
        timeoutMs: 30_000,
      });
    } finally {
      stack.smtp.refuse = false;
    }
    const listed = await stack.api('/api/v1/deliveries/failed', { token: agent });
    expect(listed.status).toBe(200);
    expect(listed.body.answers.find((a: { caseNumber: string }) => a.caseNumber === caseNumber)).toMatchObject({
      via: 'email',
      status: 'failed',
    });
    const departmentStaff = await stack.tokenFor('department_staff', 'hosting');
    expect((await stack.api('/api/v1/deliveries/failed', { token: departmentStaff })).status).toBe(403);
    expect((await post(caseNumber, 'deliver-again', departmentStaff)).status).toBe(403);
    expect((await post(caseNumber, 'deliver-again', agent, { via: 'fax' })).status).toBe(400);

    const again = await post(caseNumber, 'deliver-again', agent, { note: 'Máy chủ thư đã hoạt động lại.' });
    expect(again.status).toBe(200);
    expect(again.body.answer.delivery).toMatchObject({ status: 'queued', attempt: 1, via: 'email' });
    expect((await post(caseNumber, 'deliver-again', agent)).status).toBe(409); // queued, not failed
    await waitFor('the answer at the customer', () => stack.smtp.to(customer).find((m) => m.parsed.text?.includes(text)));
    const done = await waitFor('sent on the case', async () => {
      const c = await getCase(caseNumber);
      return c.answer.delivery.status === 'sent' ? c : undefined;
    });
    const types = (done.journal as JournalItem[]).map((j) => j.type);
    expect(types.filter((t) => t === 'answer_delivery_failed')).toHaveLength(1);
    expect(types.filter((t) => t === 'answer_redelivery_requested')).toHaveLength(1);
    expect(types.filter((t) => t === 'answer_sent')).toHaveLength(1);
    expect(stack.smtp.to(customer).filter((m) => m.parsed.text?.includes(text))).toHaveLength(1);
    const after = await stack.api('/api/v1/deliveries/failed', { token: agent });
    expect(after.body.answers.map((a: { caseNumber: string }) => a.caseNumber)).not.toContain(caseNumber);
  }, 90_000);

  it('60 replies refused for good get a final status and a journal line each; the next good reply is still sent', async () => {
    const dead = `gone.${randomUUID().slice(0, 8)}@customer.example`;
    stack.smtp.rejectRecipients.add(dead);
    const deadCase = await hotlineCase(dead);
    for (let i = 0; i < 60; i++) {
      const r = await post(deadCase, 'replies', agent, { text: `Thông báo số ${i + 1} về yêu cầu của Quý khách.` });
      expect(r.status).toBe(202);
    }
    const good = `an.${randomUUID().slice(0, 8)}@customer.example`;
    const goodCase = await hotlineCase(good);
    expect((await post(goodCase, 'replies', agent, { text: 'Thư sau 60 thư lỗi.' })).status).toBe(202);

    await waitFor('the good reply sent', () => stack.smtp.to(good).find((m) => m.parsed.text?.includes('Thư sau 60 thư lỗi.')), {
      timeoutMs: 60_000,
    });
    const rows = await waitFor(
      'every refused row settled as failed',
      async () => {
        const list = (await stack.db.mailOutbound.listForCase(deadCase)).filter((m) => m.kind === 'reply');
        return list.every((m) => m.status === 'failed') ? list : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(rows).toHaveLength(60);
    expect(rows[0]!.statusReason).toMatch(/refused for good.*550|no such user/);
    const failures = await waitFor('a journal line per failed reply', async () => {
      const j = (await journal(deadCase)).filter((e) => e.type === 'email_failed');
      return j.length === 60 ? j : undefined;
    });
    expect(failures[0]!.message).toContain('a person must reach the customer');
    const listed = await stack.api('/api/v1/deliveries/failed', { token: agent });
    expect(listed.body.mail.filter((m: { caseNumber: string }) => m.caseNumber === deadCase)).toHaveLength(60);
    stack.smtp.rejectRecipients.delete(dead);
  }, 180_000);
});
