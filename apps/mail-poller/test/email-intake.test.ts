import { createHash } from 'node:crypto';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import { randomUUID } from 'node:crypto';
import { buildBounce, buildMail, buildWindows1258Mail, newMessageId } from './support/messages';

/** The email channel end to end: Dovecot (IMAP APPEND) → poller → intake → case → receipt over SMTP. */
jest.setTimeout(60_000);

describe('email intake: each real-looking message leads to exactly the expected outcome', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ mailPoller: true, env: { MAIL_MAX_MESSAGE_BYTES: String(200 * 1024), MAIL_RATE_LIMIT_PER_HOUR: '3' } });
  });
  afterAll(() => stack.close());

  const caseFor = (messageId: string) =>
    waitFor(`a case for ${messageId}`, async () => {
      const mail = await stack.mailRecord(messageId);
      if (!mail?.caseNumber || !mail.disposition) return undefined;
      return stack.db.cases.findByCaseNumber(mail.caseNumber);
    });
  const receiptFor = (address: string, caseNumber: string) =>
    waitFor(`the receipt of ${caseNumber} at the SMTP server`, () =>
      stack.smtp.to(address).find((m) => m.parsed.subject?.includes(caseNumber)),
    );
  const handled = (messageId: string) =>
    waitFor(`${messageId} to be handled`, async () => (await stack.mailRecord(messageId))?.disposition);

  it('Vietnamese UTF-8 mail opens one routed case, keeps NFC text and sends a bilingual receipt threaded under it', async () => {
    const messageId = newMessageId();
    await stack.dovecot.append([
      buildMail({
        messageId,
        from: 'an.nguyen@customer.example',
        fromName: 'Nguyễn Văn An',
        subject: 'Tên miền anvan.vn hết hạn',
        text: 'Tôi đã thanh toán gia hạn tên miền anvan.vn nhưng website vẫn báo hết hạn.\n\nOn Mon, 5 Jan 2026 at 10:00, CSKH <support@tenten.test> wrote:\n> Cảm ơn quý khách đã liên hệ về hosting',
      }),
    ]);
    const c = await caseFor(messageId);
    expect(c).toMatchObject({
      channel: 'email',
      department: 'domain',
      status: 'routed',
      customer: { email: 'an.nguyen@customer.example', name: 'Nguyễn Văn An' },
      subject: 'Tên miền anvan.vn hết hạn',
    });
    expect(c.bodyText).toBe('Tôi đã thanh toán gia hạn tên miền anvan.vn nhưng website vẫn báo hết hạn.');
    expect(c.bodyText.normalize('NFC')).toBe(c.bodyText);
    expect(c.idempotencyKey).toBe(`support:${messageId}`);

    const receipt = await receiptFor('an.nguyen@customer.example', c.caseNumber);
    expect(receipt.parsed.subject).toBe(`[${c.caseNumber}] Đã tiếp nhận khiếu nại / Complaint received: Tên miền anvan.vn hết hạn`);
    expect(receipt.parsed.inReplyTo).toBe(messageId);
    expect(receipt.parsed.references).toContain(messageId);
    expect(receipt.parsed.messageId).toMatch(new RegExp(`^<${c.caseNumber}\\.[0-9a-f]{12}\\.[0-9a-f]{20}@tenten\\.test>$`));
    expect(receipt.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    const [y, m, d] = c.deadlines.target.dueDate.split('-');
    expect(receipt.parsed.text).toContain(`Mã khiếu nại: ${c.caseNumber}`);
    expect(receipt.parsed.text).toContain(`Case number: ${c.caseNumber}`);
    expect(receipt.parsed.text).toContain(`trước 24:00 ngày ${d}/${m}/${y}`);
    expect(receipt.parsed.text).toContain('Tên miền anvan.vn hết hạn');

    // Acknowledged on the server only after it was durable: \Seen, nothing left unseen.
    await waitFor('the message to be marked seen', async () => (await stack.dovecot.folderState()).unseen === 0);
    const journal = await waitFor('the receipt to be journalled', async () => {
      const now = await stack.db.cases.findByCaseNumber(c.caseNumber);
      return now?.journal.some((j) => j.type === 'email_sent') ? now.journal : undefined;
    });
    expect(journal.map((j) => j.type)).toEqual(expect.arrayContaining(['received', 'classified', 'routed', 'email_sent']));
  });

  const someone = () => `kh.${randomUUID().slice(0, 8)}@customer.example`;
  const seenAll = () => waitFor('every message in INBOX to be seen', async () => (await stack.dovecot.folderState()).unseen === 0);

  it('windows-1258 mail is decoded (RFC 2047 subject too) and stored as NFC', async () => {
    const messageId = newMessageId();
    const text = 'Hóa đơn tháng này bị tính tiền hai lần, đề nghị hoàn tiền cho tôi.';
    await stack.dovecot.append([buildWindows1258Mail({ from: someone(), subject: 'Hoàn tiền hóa đơn', text, messageId })]);
    const c = await caseFor(messageId);
    expect(c.bodyText).toBe(text);
    expect(c.subject).toBe('Hoàn tiền hóa đơn');
    expect(c.department).toBe('billing');
  });

  it('HTML with scripts and event handlers: text classified, sanitized HTML kept for display', async () => {
    const messageId = newMessageId();
    await stack.dovecot.append([
      buildMail({
        messageId,
        from: someone(),
        subject: 'Website lỗi',
        html: '<div onmouseover="steal()"><p>Hosting của tôi báo <b>lỗi 500</b> từ sáng.</p><script>document.location="http://evil.example"</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">bấm</a><iframe src="http://evil.example"></iframe></div>',
      }),
    ]);
    const c = await caseFor(messageId);
    expect(c.bodyText).toContain('Hosting của tôi báo lỗi 500 từ sáng.');
    expect(c.department).toBe('hosting');
    expect(c.safeHtml).toContain('<b>lỗi 500</b>');
    expect(c.safeHtml).not.toMatch(/<script|onmouseover|onerror|javascript:|<iframe|evil\.example/i);
    const token = await stack.tokenFor('cs_agent');
    const view = await stack.api(`/api/v1/cases/${c.caseNumber}`, { token });
    expect(view.body.safeHtml).not.toMatch(/script/i);
  });

  it('auto-replies and newsletters open no case and get no answer', async () => {
    const auto = { id: newMessageId(), from: someone() };
    const auto2 = { id: newMessageId(), from: someone() };
    const news = { id: newMessageId(), from: someone() };
    await stack.dovecot.append([
      buildMail({
        messageId: auto.id,
        from: auto.from,
        subject: 'Tự động trả lời: Out of office',
        text: 'Tôi đang nghỉ phép đến thứ Hai. I am out of the office.',
        headers: ['Auto-Submitted: auto-replied'],
      }),
      buildMail({
        messageId: auto2.id,
        from: auto2.from,
        subject: 'Re: hỗ trợ',
        text: 'Thư trả lời tự động.',
        headers: ['X-Autoreply: yes'],
      }),
      buildMail({
        messageId: news.id,
        from: news.from,
        subject: 'Khuyến mãi tên miền .vn giảm 50%',
        text: 'Ưu đãi tháng này cho tên miền.',
        headers: ['Precedence: bulk', 'List-Unsubscribe: <mailto:unsubscribe@customer.example>'],
      }),
    ]);
    expect(await handled(auto.id)).toBe('ignored:auto-reply');
    expect(await handled(auto2.id)).toBe('ignored:auto-reply');
    expect(await handled(news.id)).toBe('ignored:bulk');
    await seenAll();
    for (const m of [auto, auto2, news]) {
      expect((await stack.mailRecord(m.id))!.caseNumber).toBeUndefined();
      expect(await stack.db.cases.count({ customerEmail: m.from })).toBe(0);
    }
    // A receipt for anything else has time to arrive meanwhile; none goes to these senders.
    await receiptFor(...(await newCaseFrom(someone())));
    for (const m of [auto, auto2, news]) expect(stack.smtp.to(m.from)).toHaveLength(0);
  });

  async function newCaseFrom(from: string): Promise<[string, string]> {
    const messageId = newMessageId();
    await stack.dovecot.append([
      buildMail({
        messageId,
        from,
        subject: 'Email công ty không nhận được thư',
        text: 'Hộp thư email công ty không nhận được thư từ hôm qua.',
      }),
    ]);
    const c = await caseFor(messageId);
    return [from, c.caseNumber];
  }

  it('the same Message-ID twice makes one case and one receipt', async () => {
    const messageId = newMessageId();
    const from = someone();
    const mail = buildMail({ messageId, from, subject: 'Gửi lại: VPS không khởi động', text: 'VPS của tôi không khởi động lại được.' });
    await stack.dovecot.append([mail, mail]);
    const c = await caseFor(messageId);
    await seenAll();
    await receiptFor(from, c.caseNumber);
    await waitFor('the intake queue to drain', async () => {
      const q = await stack.queueCounts('intake');
      return q.waiting + q.active + q.delayed === 0;
    });
    expect(await stack.db.cases.count({ customerEmail: from })).toBe(1);
    expect(await stack.db.mailMessages.count({ messageKey: messageId })).toBe(1);
    expect(stack.smtp.to(from)).toHaveLength(1);
  });

  it('a message without Message-ID is keyed by sender, date and body: a re-delivery is no second case', async () => {
    const from = someone();
    const mail = buildMail({
      messageId: null,
      from,
      date: 'Mon, 05 Jan 2026 09:00:00 +0700',
      subject: 'Không có Message-ID',
      text: 'Chứng chỉ SSL của website hết hạn.',
    });
    await stack.dovecot.append([mail]);
    const key = await waitFor(
      'the record of the id-less message',
      async () => (await stack.db.mailMessages.model.findOne({ 'from.address': from }).lean())?.messageKey,
    );
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    const c = await caseFor(key);
    await stack.dovecot.append([mail]);
    await seenAll();
    expect(await stack.db.cases.count({ customerEmail: from })).toBe(1);
    expect(c.idempotencyKey).toBe(`support:${key}`);
  });

  it('an attachment with a Vietnamese file name is stored with type, size and SHA-256, and downloadable', async () => {
    const messageId = newMessageId();
    const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);
    const fileName = 'Hóa đơn tháng 5 – Nguyễn Văn Ân.pdf';
    await stack.dovecot.append([
      buildMail({
        messageId,
        from: someone(),
        subject: 'Hóa đơn sai',
        text: 'Gửi kèm hóa đơn bị tính sai tiền.',
        attachments: [{ fileName, contentType: 'application/pdf', content }],
      }),
    ]);
    const c = await caseFor(messageId);
    expect(c.attachments).toHaveLength(1);
    const a = c.attachments[0]!;
    expect(a).toMatchObject({
      fileName: fileName.normalize('NFC'),
      contentType: 'application/pdf',
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    const token = await stack.tokenFor('cs_agent');
    const download = await stack.api(`/api/v1/cases/${c.caseNumber}/attachments/${a.id}`, { token });
    expect(download.status).toBe(200);
    expect(download.raw.equals(content)).toBe(true);
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(fileName.normalize('NFC'))}`);
    const emails = await stack.api(`/api/v1/cases/${c.caseNumber}/emails`, { token });
    expect(emails.body.items[0]).toMatchObject({
      direction: 'inbound',
      messageId,
      attachments: [expect.objectContaining({ fileName: fileName.normalize('NFC'), url: expect.stringContaining(a.id) })],
    });
    expect((await stack.api(`/api/v1/cases/${c.caseNumber}/attachments/${'0'.repeat(24)}`, { token })).status).toBe(404);
  });

  it('an oversize message is quarantined (record + folder), opens no case, and the sender is told why', async () => {
    const messageId = newMessageId();
    const from = someone();
    await stack.dovecot.append([
      buildMail({
        messageId,
        from,
        subject: 'Ảnh chụp màn hình lỗi',
        text: 'Xem ảnh đính kèm.',
        attachments: [{ fileName: 'anh.png', contentType: 'image/png', content: Buffer.alloc(300 * 1024, 1) }],
      }),
    ]);
    const q = await waitFor('the quarantine record', () => stack.db.mailQuarantine.model.findOne({ quarantineKey: messageId }).lean());
    expect(q).toMatchObject({ code: 'oversize', mailbox: 'support', movedTo: 'Quarantine' });
    const notice = await waitFor('the notice to the sender', () => stack.smtp.to(from)[0]);
    expect(notice.parsed.subject).toContain('Your message was not accepted');
    expect(notice.parsed.text).toContain('200.0 MB'.replace('200.0', '0.2'));
    expect(notice.parsed.inReplyTo).toBe(messageId);
    await waitFor('the message to be in the Quarantine folder', async () => (await stack.dovecot.folderState('Quarantine')).total >= 1);
    expect(await stack.db.cases.count({ customerEmail: from })).toBe(0);
    expect(await stack.mailRecord(messageId)).toBeNull();
  });

  it('an unparseable message (no sender) is quarantined and does not block the mail behind it', async () => {
    const after = newMessageId();
    await stack.dovecot.append([
      'Subject: garbage\r\nX-Nothing: 1\r\n\r\n\u0000\u0001 not an email at all',
      buildMail({ messageId: after, from: someone(), subject: 'Sau thư lỗi', text: 'Tên miền của tôi bị khóa.' }),
    ]);
    await caseFor(after);
    const q = await waitFor('the quarantine record', () => stack.db.mailQuarantine.model.findOne({ code: 'no_sender' }).lean());
    expect(q.reason).toMatch(/sender/);
    await seenAll();
  });

  it('a reply to our receipt joins the existing case; a forged Message-ID does not', async () => {
    const from = someone();
    const [, caseNumber] = await newCaseFrom(from);
    const receipt = await receiptFor(from, caseNumber);
    const reply = newMessageId();
    await stack.dovecot.append([
      buildMail({
        messageId: reply,
        from,
        subject: `Re: ${receipt.parsed.subject}`.replace(/\[KN\d{2}-\d+\]/, ''), // the client dropped the number
        text: 'Tôi gửi thêm thông tin: tài khoản mail là ketoan@congty.vn.\n\nVào Th 2, 5 thg 1, 2026 lúc 10:00 CSKH <support@tenten.test> đã viết:\n> Chúng tôi đã tiếp nhận',
        inReplyTo: receipt.parsed.messageId!,
        references: receipt.parsed.messageId!,
      }),
    ]);
    expect(await handled(reply)).toBe('attached');
    const c = await stack.db.cases.findByCaseNumber(caseNumber);
    const entry = c!.journal.find((j) => j.type === 'customer_email');
    expect(entry).toBeDefined();
    expect((entry!.data as { excerpt: string }).excerpt).toBe('Tôi gửi thêm thông tin: tài khoản mail là ketoan@congty.vn.');
    expect((await stack.mailRecord(reply))!.caseNumber).toBe(caseNumber);
    expect(await stack.db.cases.count({ customerEmail: from })).toBe(1);

    const forged = newMessageId();
    const fake = receipt.parsed.messageId!.replace(/\.([0-9a-f]{20})@/, '.0123456789abcdef0123@');
    await stack.dovecot.append([
      buildMail({ messageId: forged, from: someone(), subject: 'Re: hi', text: 'Tên miền bị khóa.', inReplyTo: fake }),
    ]);
    expect(await handled(forged)).toBe('new_case');
    expect((await stack.mailRecord(forged))!.caseNumber).not.toBe(caseNumber);
    await seenAll();
    expect(stack.smtp.to(from)).toHaveLength(1); // no second receipt for the reply
  });

  it('the case number in the subject threads only for the case’s own customer', async () => {
    const from = someone();
    const [, caseNumber] = await newCaseFrom(from);
    const own = newMessageId();
    const stranger = newMessageId();
    await stack.dovecot.append([
      buildMail({ messageId: own, from, subject: `Bổ sung cho ${caseNumber.toLowerCase()}`, text: 'Vẫn chưa nhận được email.' }),
      buildMail({ messageId: stranger, from: someone(), subject: `Về ${caseNumber}`, text: 'Tôi cũng bị lỗi email.' }),
    ]);
    expect(await handled(own)).toBe('attached');
    expect((await stack.mailRecord(own))!.caseNumber).toBe(caseNumber);
    expect(await handled(stranger)).toBe('new_case');
    expect((await stack.mailRecord(stranger))!.caseNumber).not.toBe(caseNumber);
  });

  it('staff answer by email, threaded; the customer replies to a closed case and it reopens', async () => {
    const from = someone();
    const original = newMessageId();
    await stack.dovecot.append([
      buildMail({ messageId: original, from, subject: 'Không gửi được email', text: 'Email công ty không gửi được thư ra ngoài.' }),
    ]);
    const c = await caseFor(original);
    const receipt = await receiptFor(from, c.caseNumber);
    const agent = await stack.tokenFor('cs_agent');

    expect((await stack.api(`/api/v1/cases/${c.caseNumber}/replies`, { method: 'POST', json: { text: 'x' } })).status).toBe(401);
    const dept = await stack.tokenFor('department_staff', 'email');
    expect((await stack.api(`/api/v1/cases/${c.caseNumber}/replies`, { method: 'POST', token: dept, json: { text: 'x' } })).status).toBe(
      403,
    );
    const bad = await stack.api(`/api/v1/cases/${c.caseNumber}/replies`, { method: 'POST', token: agent, json: { text: '  ' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('text');

    const res = await stack.api(`/api/v1/cases/${c.caseNumber}/replies`, {
      method: 'POST',
      token: agent,
      headers: { 'idempotency-key': `ans-${c.caseNumber}` },
      json: { text: 'Chúng tôi đã sửa bản ghi SPF, quý khách vui lòng thử lại.' },
    });
    expect(res.status).toBe(202);
    const again = await stack.api(`/api/v1/cases/${c.caseNumber}/replies`, {
      method: 'POST',
      token: agent,
      headers: { 'idempotency-key': `ans-${c.caseNumber}` },
      json: { text: 'Chúng tôi đã sửa bản ghi SPF, quý khách vui lòng thử lại.' },
    });
    expect(again.body).toMatchObject({ duplicate: true, outboundId: res.body.outboundId });
    const answer = await waitFor('the answer at the SMTP server', () =>
      stack.smtp.to(from).find((m) => m.parsed.messageId === res.body.messageId),
    );
    expect(answer.parsed.subject).toBe(`Re: [${c.caseNumber}] Không gửi được email`);
    expect(answer.parsed.inReplyTo).toBe(receipt.parsed.messageId);
    expect(answer.parsed.references).toEqual([original, receipt.parsed.messageId]);
    expect(answer.parsed.text).toContain('Chúng tôi đã sửa bản ghi SPF');
    expect(answer.parsed.headers.get('auto-submitted')).toBeUndefined();
    expect(stack.smtp.to(from).filter((m) => m.parsed.messageId === res.body.messageId)).toHaveLength(1);

    await waitFor('the answer to be journalled', async () =>
      (await stack.db.cases.findByCaseNumber(c.caseNumber))?.journal.some(
        (j) => (j.data as { outboundId?: string })?.outboundId === res.body.outboundId && j.type === 'email_sent',
      ),
    );
    // Closed yesterday: within the reopen window.
    // Forced straight into the database (a case closed yesterday), bypassing the lifecycle on purpose.
    await stack.db.connection
      .collection('cases')
      .updateOne({ caseNumber: c.caseNumber }, { $set: { status: 'closed', closedAt: new Date(Date.now() - 86_400_000) } });
    const followUp = newMessageId();
    await stack.dovecot.append([
      buildMail({
        messageId: followUp,
        from,
        subject: answer.parsed.subject!,
        text: 'Vẫn không gửi được ạ.',
        inReplyTo: answer.parsed.messageId!,
        references: `${original} ${answer.parsed.messageId}`,
      }),
    ]);
    expect(await handled(followUp)).toBe('reopened');
    const reopened = await stack.db.cases.findByCaseNumber(c.caseNumber);
    expect(reopened!.status).toBe('reopened'); // back to customer support, with a new target
    expect(reopened!.closedAt).toBeUndefined();
    expect(reopened!.journal.map((j) => j.type)).toEqual(expect.arrayContaining(['email_reply_queued', 'customer_email', 'reopened']));

    const conversation = await stack.api(`/api/v1/cases/${c.caseNumber}/emails`, { token: agent });
    expect(conversation.body.items.map((i: { direction: string; kind: string }) => `${i.direction}:${i.kind}`)).toEqual([
      'inbound:complaint',
      'outbound:receipt',
      'outbound:reply',
      'inbound:complaint',
    ]);
  });

  it('a bounce of our receipt joins its case, marks the address undeliverable and opens no case', async () => {
    const from = someone();
    const [, caseNumber] = await newCaseFrom(from);
    const receipt = await receiptFor(from, caseNumber);
    const bounceCount = await stack.db.cases.count();
    await stack.dovecot.append([buildBounce({ originalMessageId: receipt.parsed.messageId!, failed: from })]);
    const c = await waitFor('the bounce on the case', async () => {
      const now = await stack.db.cases.findByCaseNumber(caseNumber);
      return now?.journal.some((j) => j.type === 'email_bounced') ? now : undefined;
    });
    expect(c.journal.find((j) => j.type === 'email_bounced')!.message).toContain(from);
    expect(await stack.db.mailAddresses.isUndeliverable(from)).toBe(true);
    expect((await stack.db.mailOutbound.findByMessageId(receipt.parsed.messageId!))!.status).toBe('bounced');
    expect(await stack.db.cases.count()).toBe(bounceCount);
    // The next automatic mail to that address is suppressed; staff are told in the journal.
    const next = newMessageId();
    await stack.dovecot.append([buildMail({ messageId: next, from, subject: 'Thư mới', text: 'Tên miền thứ hai cũng lỗi.' })]);
    const c2 = await caseFor(next);
    await waitFor(
      'the suppressed receipt',
      async () => (await stack.db.mailOutbound.model.findOne({ caseNumber: c2.caseNumber }).lean())?.status === 'suppressed',
    );
    expect(stack.smtp.to(from)).toHaveLength(1);
  });

  it('a forged bounce naming another address marks nobody undeliverable (failedRecipients must match the original recipient)', async () => {
    const from = someone();
    const victim = someone();
    const [, caseNumber] = await newCaseFrom(from);
    const receipt = await receiptFor(from, caseNumber);
    // Anyone on the thread knows our signed Message-ID; the report names an address we never wrote to.
    const bounceId = newMessageId();
    await stack.dovecot.append([buildBounce({ originalMessageId: receipt.parsed.messageId!, failed: victim, messageId: bounceId })]);
    expect(await handled(bounceId)).toBe('bounce:recipient-mismatch');
    expect(await stack.db.mailAddresses.isUndeliverable(victim)).toBe(false);
    expect(await stack.db.mailAddresses.isUndeliverable(from)).toBe(false);
    expect((await stack.db.mailOutbound.findByMessageId(receipt.parsed.messageId!))!.status).toBe('sent');
    const c = await stack.db.cases.findByCaseNumber(caseNumber);
    expect(c!.journal.some((j) => j.type === 'email_bounced')).toBe(false);
  });

  it('retries while the SMTP server refuses, then delivers once', async () => {
    stack.smtp.refuse = true;
    const from = someone();
    const messageId = newMessageId();
    await stack.dovecot.append([buildMail({ messageId, from, subject: 'SMTP down', text: 'Không đăng nhập được webmail.' })]);
    const c = await caseFor(messageId);
    await waitFor('a refused attempt', () => stack.smtp.refusals > 0);
    stack.smtp.refuse = false;
    await receiptFor(from, c.caseNumber);
    // The sink has the message before the worker records the send: wait for the record.
    const out = await waitFor('the outbox row marked sent', async () => {
      const row = await stack.db.mailOutbound.model.findOne({ caseNumber: c.caseNumber }).lean();
      return row?.status === 'sent' ? row : undefined;
    });
    expect(out.attempts).toBeGreaterThanOrEqual(1);
    expect(stack.smtp.to(from)).toHaveLength(1);
  });

  it('limits automatic mail per address (no loops)', async () => {
    const from = someone();
    const ids = [newMessageId(), newMessageId(), newMessageId(), newMessageId()];
    await stack.dovecot.append(
      ids.map((messageId, i) => buildMail({ messageId, from, subject: `Lần ${i + 1}`, text: 'Email không nhận được thư.' })),
    );
    const cases = await Promise.all(ids.map((id) => caseFor(id)));
    await waitFor(
      'all four receipts decided',
      async () => (await stack.db.mailOutbound.model.countDocuments({ to: from, status: { $in: ['sent', 'suppressed'] } })) === 4,
    );
    expect(await stack.db.mailOutbound.model.countDocuments({ to: from, status: 'suppressed' })).toBe(1);
    expect(stack.smtp.to(from)).toHaveLength(3);
    expect(new Set(cases.map((c) => c.caseNumber)).size).toBe(4);
  });

  it('a tombstoned message is never imported again, even on a full resync after a UIDVALIDITY change', async () => {
    const from = someone();
    const messageId = newMessageId();
    await stack.dovecot.append([buildMail({ messageId, from, subject: 'Sẽ bị xóa', text: 'Thư rác gửi nhầm về hosting.' })]);
    const c = await caseFor(messageId);
    // Staff delete the case: tombstone first, then the case and the record.
    await stack.db.mailTombstones.record({ mailbox: 'support', messageKey: messageId, caseNumber: c.caseNumber, reason: 'spam' });
    await stack.db.cases.deleteByCaseNumber(c.caseNumber);
    await stack.db.mailMessages.model.deleteOne({ messageKey: messageId });
    const before = await stack.db.cases.count();
    await seenAll();
    // The server reports a new UIDVALIDITY (as after a mailbox rebuild): everything is seen again.
    await stack.db.mailCheckpoints.model.updateOne({ mailbox: 'support', folder: 'INBOX' }, { $set: { uidValidity: 1 } });
    await stack.dovecot.append([
      buildMail({ messageId: newMessageId(), from: someone(), subject: 'Kích hoạt đồng bộ', text: 'Hosting chậm.' }),
    ]);
    await waitFor('the resync', async () => (await stack.db.mailCheckpoints.get('support', 'INBOX'))?.resyncs === 1);
    await waitFor('the resync to finish', async () => {
      const cp = await stack.db.mailCheckpoints.get('support', 'INBOX');
      const status = stack.poller!.status()[0]!;
      return cp && cp.uidValidity !== 1 && status.lastUid === cp.lastUid && cp.lastUid > 0 ? cp : undefined;
    });
    await waitFor('the new message to be a case', async () => (await stack.db.cases.count()) === before + 1);
    expect(await stack.db.cases.count({ customerEmail: from })).toBe(0);
    expect(await stack.mailRecord(messageId)).toBeNull();
  });

  it('reports readiness and metrics on the poller’s own port', async () => {
    const ready = await fetch(`${stack.poller!.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body).toMatchObject({
      status: 'ready',
      checks: { redis: 'up', mongodb: 'up' },
      mailboxes: [expect.objectContaining({ mailbox: 'support', healthy: true, lockHeld: true, state: 'polling' })],
    });
    const metrics = await (await fetch(`${stack.poller!.url}/metrics`)).text();
    expect(metrics).toMatch(/mail_messages_total\{mailbox="support",outcome="published"\} \d+/);
    expect(metrics).toContain('mail_mailbox_healthy{mailbox="support"} 1');
  });
});
