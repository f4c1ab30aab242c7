import { randomUUID } from 'node:crypto';
import type { RunningGateway } from '@cg/gateway';
import { LivechatPoster } from '@cg/livechat';
import { freePort, waitFor, startTestStack, type TestStack } from '@cg/testing';
import { TestAgent, TestVisitor } from './support/livechat-clients';

// A 1×1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

jest.setTimeout(30_000);

describe('livechat: a reliable intake over socket.io across gateway nodes', () => {
  let stack: TestStack;
  /** A second gateway node on the same Redis and MongoDB. */
  let nodeB: RunningGateway;
  let urlB: string;
  let agentToken: string;
  const visitors: TestVisitor[] = [];
  const agents: TestAgent[] = [];

  const visitor = async (url = stack.url, form: Record<string, unknown> = {}) => {
    const v = await TestVisitor.start(url, form);
    visitors.push(v);
    return v;
  };
  /** `null`: connect without any token. */
  const agent = (url: string, token: string | null = agentToken) => {
    const a = new TestAgent(url, token ?? undefined);
    agents.push(a);
    return a;
  };
  /** Copies of a message in MongoDB once the worker has written it (acknowledged means durable in Redis; the worker persists). */
  const storedCopies = async (conversationId: string, messageId: string) => {
    const count = () => stack.db.conversations.countMessages(conversationId, { messageId });
    await waitFor(`message ${messageId} in MongoDB`, async () => (await count()) > 0);
    return count();
  };

  beforeAll(async () => {
    stack = await startTestStack({
      env: { LIVECHAT_MESSAGES_PER_MINUTE_PER_VISITOR: '12', LIVECHAT_MAX_MESSAGE_CHARS: '2000', LIVECHAT_UPLOAD_MAX_BYTES: '65536' },
    });
    nodeB = await stack.startGateway();
    urlB = `http://127.0.0.1:${(nodeB.server.address() as { port: number }).port}`;
    agentToken = await stack.tokenFor('cs_agent');
  });

  afterAll(async () => {
    for (const c of [...visitors, ...agents]) c.close();
    await nodeB?.close();
    await stack?.close();
  });

  it('says no agent is online while taking the complaint, and the first message returns the case number once durable', async () => {
    const v = (await visitor(stack.url, { domain: 'lan-shop.vn' })).connect();
    await v.connected();
    expect(v.state).toMatchObject({
      conversationId: v.conversationId,
      status: 'open',
      agentsOnline: false,
      customerName: 'Nguyễn Thị Lan',
      hasEmail: true,
    });

    const ack = await v.send('Tên miền lan-shop.vn của tôi bị khoá dù tôi đã gia hạn và thanh toán tuần trước.');
    expect(ack.duplicate).toBe(false);
    expect(ack.message).toMatchObject({ conversationId: v.conversationId, sender: { kind: 'visitor' }, type: 'text' });
    expect(ack.receipt!.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    expect(ack.receipt!.deadlinePolicy).toBe('5 working days');
    // The receipt shows the deadline at once (computed on the same calendar as the worker's).
    expect(ack.receipt!.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Acknowledged means durable in Redis; a worker writes MongoDB: the message once, and the conversation names the case.
    expect(await storedCopies(v.conversationId, ack.message.id)).toBe(1);
    const conversation = await waitFor('conversation linked to the case', async () => {
      const c = await stack.db.conversations.findById(v.conversationId);
      return c?.caseNumber ? c : undefined;
    });
    expect(conversation.caseNumber).toBe(ack.receipt!.caseNumber);

    // The receipt appears in the chat, then its deadline once the worker has computed it.
    await waitFor('receipt message', () => [...v.messages.values()].find((m) => m.type === 'receipt'));
    const withDeadline = await waitFor('receipt with deadline', () => (v.receipt?.dueDate ? v.receipt : undefined), { timeoutMs: 20_000 });
    expect(withDeadline.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The case is visible through the staff API, in the right department, as a livechat case.
    const c = await stack.api(`/api/v1/cases/${ack.receipt!.caseNumber}`, { token: agentToken });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      channel: 'livechat',
      department: 'domain',
      customer: { name: 'Nguyễn Thị Lan', email: 'lan@example.vn' },
    });
    expect(c.body.idempotencyKey).toBe(v.conversationId);
    expect(c.body.rawRef).toBe(`livechat:${v.conversationId}/${ack.message.id}`);

    // A second message joins the conversation; the case stays the same.
    const second = await v.send('Mã đơn hàng là DH-2026-118.');
    expect(second.message.seq).toBeGreaterThan(ack.message.seq);
    expect((await stack.db.conversations.findById(v.conversationId))!.caseNumber).toBe(ack.receipt!.caseNumber);
    expect(await stack.db.cases.count({ channel: 'livechat', idempotencyKey: v.conversationId })).toBe(1);
  });

  it('stores a client message id once, however often and however concurrently it is sent', async () => {
    const v = (await visitor()).connect();
    await v.connected();
    const clientMessageId = randomUUID();
    const payload = { clientMessageId, text: 'Hosting của tôi bị lỗi 500 từ sáng nay.' };
    const acks = await Promise.all([v.emitSend(payload), v.emitSend(payload), v.emitSend(payload)]);
    const again = await v.emitSend({ ...payload, text: 'a different text with the same id' });
    for (const a of [...acks, again]) expect(a.ok).toBe(true);
    const ok = [...acks, again] as Array<Extract<(typeof acks)[number], { ok: true }>>;
    expect(new Set(ok.map((a) => a.message.seq)).size).toBe(1);
    expect(ok.filter((a) => !a.duplicate).length).toBeLessThanOrEqual(1);
    expect(again.ok && again.message.text).toBe(payload.text);
    expect(await storedCopies(v.conversationId, clientMessageId)).toBe(1);
    // One case for the conversation.
    const caseNumbers = new Set(ok.map((a) => a.receipt?.caseNumber));
    expect(caseNumbers.size).toBe(1);
    await waitFor(
      'case written',
      async () => (await stack.db.cases.count({ channel: 'livechat', idempotencyKey: v.conversationId })) === 1,
    );

    // Different messages sent at once (two tabs) are all kept, each with its own seq.
    const tab = new TestVisitor(stack.url, v.token, v.conversationId).connect();
    visitors.push(tab);
    await tab.connected();
    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? tab : v).emitSend({ clientMessageId: randomUUID(), text: `tin nhắn song song ${i}` })),
    );
    const seqs = burst.map((a) => (a.ok ? a.message.seq : -1));
    expect(seqs.every((n) => n > 0)).toBe(true);
    expect(new Set(seqs).size).toBe(6);
  });

  it('two gateway nodes: a visitor on A and an agent on B talk both ways; a worker reply arrives too', async () => {
    const a = await agent(urlB).connected();
    const v = (await visitor(stack.url)).connect();
    await v.connected();
    await waitFor('presence to say an agent is online', () => v.state?.agentsOnline === true);

    const first = await v.send('Email công ty không nhận được thư từ hôm qua, MX có vẻ sai.');
    await waitFor('agent on B to get the visitor message', () => a.messageEvents.find((m) => m.id === first.message.id));
    const updated = await waitFor('agent list update', () =>
      a.events.find(
        (e) => e.event === 'conversation:updated' && (e.payload as { conversationId: string }).conversationId === v.conversationId,
      ),
    );
    expect(updated.payload).toMatchObject({ customer: { name: 'Nguyễn Thị Lan' } });

    const reply = await a.reply(v.conversationId, 'Chào chị Lan, em đang kiểm tra bản ghi MX ạ.');
    expect(reply.ok).toBe(true);
    const replyId = reply.ok ? reply.message.id : '';
    const got = await waitFor('visitor on A to get the reply from B', () => v.messages.get(replyId));
    expect(got).toMatchObject({ sender: { kind: 'agent', name: 'Test cs_agent' }, text: 'Chào chị Lan, em đang kiểm tra bản ghi MX ạ.' });

    // Typing, both ways, across nodes.
    v.socket!.emit('typing', { isTyping: true });
    await waitFor('agent sees visitor typing', () =>
      a.events.find((e) => e.event === 'typing' && (e.payload as { conversationId: string }).conversationId === v.conversationId),
    );
    a.socket.emit('typing', { conversationId: v.conversationId, isTyping: true });
    await waitFor('visitor sees agent typing', () =>
      v.eventsOf<{ from: string; isTyping: boolean }>('typing').find((t) => t.from === 'agent' && t.isTyping),
    );

    // A process that is no gateway (a worker) posts into the conversation through LivechatPoster.
    const poster = new LivechatPoster(stack.db.conversations, {
      redisUrl: stack.env.REDIS_URL ?? 'redis://127.0.0.1:6390',
      prefix: stack.env.QUEUE_PREFIX!,
    });
    try {
      const posted = await poster.post({
        conversationId: v.conversationId,
        text: 'Phòng Email đã sửa bản ghi MX.',
        sender: { kind: 'agent', name: 'Bộ phận Email' },
      });
      await waitFor('visitor to get the worker message', () => v.messages.get(posted.message.id));
      await waitFor('agent to get the worker message', () => a.messageEvents.find((m) => m.id === posted.message.id));
    } finally {
      await poster.close();
    }
  });

  it('a message sent while its gateway restarts is stored and delivered exactly once', async () => {
    const port = await freePort();
    let nodeR = await stack.startGateway({ PORT: String(port) });
    const urlR = `http://127.0.0.1:${port}`;
    try {
      const a = await agent(urlB).connected();
      const v = (await visitor(urlR)).connect();
      await v.connected();
      await v.send('Website trên VPS không truy cập được.');

      // 1. Sent in the very moment the node goes down: the acknowledgement may be lost.
      const inFlight = v.send('Tin nhắn gửi đúng lúc máy chủ khởi động lại.');
      const closing = nodeR.close();
      // 2. Sent while the node is down: it waits in the client's send buffer.
      await waitFor('visitor to notice the outage', () => !v.socket!.connected);
      const whileDown = v.send('Tin nhắn gửi khi máy chủ đang tắt.');
      await closing;
      nodeR = await stack.startGateway({ PORT: String(port) });

      const [ackInFlight, ackDown] = await Promise.all([inFlight, whileDown]);
      for (const ack of [ackInFlight, ackDown]) {
        expect(await storedCopies(v.conversationId, ack.message.id)).toBe(1);
        await waitFor('agent on B to see it', () => a.messageEvents.find((m) => m.id === ack.message.id));
        // Whatever was resent, the visitor's conversation shows it once.
        expect([...v.messages.values()].filter((m) => m.id === ack.message.id)).toHaveLength(1);
      }
      expect(ackDown.message.seq).toBeGreaterThan(ackInFlight.message.seq);
      expect(v.connects).toBeGreaterThanOrEqual(2);
      // The history is intact and in order after the restart.
      const stored = await waitFor('the three messages in MongoDB', async () => {
        const all = await stack.db.conversations.messagesAfter(v.conversationId, 0, 100);
        return all.filter((m) => m.sender?.kind === 'visitor').length >= 3 ? all : undefined;
      });
      const texts = stored.filter((m) => m.sender?.kind === 'visitor').map((m) => m.text);
      expect(texts).toEqual([
        'Website trên VPS không truy cập được.',
        'Tin nhắn gửi đúng lúc máy chủ khởi động lại.',
        'Tin nhắn gửi khi máy chủ đang tắt.',
      ]);
    } finally {
      await nodeR.close();
    }
  });

  it('resends what a visitor missed after a reconnect, from MongoDB', async () => {
    const a = await agent(stack.url).connected();
    const v = (await visitor(stack.url)).connect();
    await v.connected();
    await v.send('Hoá đơn tháng này bị tính hai lần.');
    v.close();
    const missed: string[] = [];
    for (const text of ['Dạ, em kiểm tra hoá đơn ạ.', 'Bên em đã hoàn tiền lần thu thứ hai.']) {
      const r = await a.reply(v.conversationId, text);
      if (r.ok) missed.push(r.message.id);
    }
    const seenBefore = v.lastSeq;
    v.connect();
    await v.connected();
    await waitFor('missed messages to arrive', () => missed.every((id) => v.messages.has(id)));
    const sync = v.eventsOf<{ messages: Array<{ seq: number }> }>('messages:sync').at(-1)!;
    expect(sync.messages.every((m) => m.seq > seenBefore)).toBe(true);
    // A new tab (no lastSeq) gets the whole history.
    const tab = new TestVisitor(stack.url, v.token, v.conversationId).connect();
    visitors.push(tab);
    await tab.connected();
    await waitFor('whole history in a new tab', () => missed.every((id) => tab.messages.has(id)) && tab.messages.size === v.messages.size);
  });

  it('refuses staff sockets without a valid staff token or the role, and visitor sockets without a visitor token', async () => {
    const noToken = agent(stack.url, null);
    await waitFor('refusal', () => noToken.connectError);
    expect(noToken.connectError!.code).toBe('unauthenticated');
    const operator = agent(stack.url, await stack.tokenFor('hotline_operator'));
    await waitFor('refusal', () => operator.connectError);
    expect(operator.connectError).toMatchObject({ code: 'forbidden' });
    const v = await visitor();
    const visitorAsAgent = agent(stack.url, v.token);
    await waitFor('refusal', () => visitorAsAgent.connectError);
    expect(visitorAsAgent.connectError!.code).toBe('unauthenticated');

    const staffAsVisitor = new TestVisitor(stack.url, agentToken, v.conversationId).connect();
    visitors.push(staffAsVisitor);
    await waitFor('refusal', () => staffAsVisitor.lastConnectError);
    expect(staffAsVisitor.lastConnectError!.code).toBe('unauthenticated');
    const forged = new TestVisitor(stack.url, v.token.slice(0, -3) + 'AAA', v.conversationId).connect();
    visitors.push(forged);
    await waitFor('refusal', () => forged.lastConnectError);
    expect(forged.lastConnectError!.code).toBe('unauthenticated');
    // The staff HTTP view of conversations needs the role too.
    expect((await stack.api('/api/v1/livechat/conversations')).status).toBe(401);
    expect((await stack.api('/api/v1/livechat/conversations', { token: await stack.tokenFor('hotline_operator') })).status).toBe(403);
    const list = await stack.api(`/api/v1/livechat/conversations/${v.conversationId}/messages`, { token: agentToken });
    expect(list.status).toBe(200);
  });

  it('limits: message size, malformed payloads, per-visitor and per-connection rates, ended conversations — each with a clear error', async () => {
    const v = (await visitor()).connect();
    await v.connected();
    const tooLong = await v.emitSend({ clientMessageId: randomUUID(), text: 'x'.repeat(2001) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'invalid_payload', field: 'text' } });
    const tooBig = await v.emitSend({ clientMessageId: randomUUID(), text: 'x'.repeat(5001) });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'invalid_payload', field: 'text' } });
    const noId = await v.emitSend({ text: 'hello' });
    expect(noId).toMatchObject({ ok: false, error: { code: 'invalid_payload', field: 'clientMessageId' } });
    const extra = await v.emitSend({ clientMessageId: randomUUID(), text: 'hi', admin: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // Text is stored as typed (the widget shows it with textContent, never as HTML).
    const html = '<img src=x onerror="alert(1)"> & <b>bold</b>';
    const stored = await v.send(html);
    expect(stored.message.text).toBe(html);

    // 12 messages a minute per visitor in this test's configuration (one already sent). 25 more:
    // even if a minute boundary of the limiter's window falls inside the loop, one side exceeds 12.
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await v.emitSend({ clientMessageId: randomUUID(), text: `message ${i}` }));
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true } });
    expect(refused[0]!.ok === false && refused[0]!.error.retryAfterMs).toBeGreaterThan(0);

    // A flood of events on one connection is cut off, answered with an error, without growing server state.
    const flood = await Promise.all(
      Array.from({ length: 60 }, () =>
        v.request('messages:sync', { afterSeq: 0 }).catch(() => ({ ok: false, error: { code: 'timeout' } })),
      ),
    );
    expect(flood.some((r) => !r.ok && (r as { error: { code: string } }).error.code === 'rate_limited')).toBe(true);

    // An ended conversation takes no more messages; its transcript is queued for the customer's e-mail.
    const w = (await visitor()).connect();
    await w.connected();
    await w.send('Nhân viên tổng đài không gọi lại như đã hẹn.');
    const ended = await w.request('conversation:end');
    expect(ended.ok).toBe(true);
    await waitFor('the end notice', () => [...w.messages.values()].find((m) => m.type === 'notice'));
    const after = await w.emitSend({ clientMessageId: randomUUID(), text: 'still there?' });
    expect(after).toMatchObject({ ok: false, error: { code: 'conversation_ended' } });
    const transcripts = await stack.db.transcriptRequests.listForConversation(w.conversationId);
    expect(transcripts.map((t) => t.reason)).toEqual(['chat_ended']);
    // The worker's transcript relay may already have written it to mail_outbound (apps/worker/test/livechat-transcript.test.ts).
    expect(transcripts[0]).toMatchObject({ email: 'lan@example.vn', status: expect.stringMatching(/^(pending|sent)$/) });
  });

  it('queues a transcript on request (once per version), and says so when no e-mail was given', async () => {
    const v = (await visitor()).connect();
    await v.connected();
    await v.send('Chứng chỉ SSL của website hết hạn.');
    expect((await v.request('transcript:request')).ok).toBe(true);
    expect((await v.request('transcript:request')).ok).toBe(true);
    const requests = await stack.db.transcriptRequests.listForConversation(v.conversationId);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      reason: 'requested',
      status: expect.stringMatching(/^(pending|sent)$/),
      email: 'lan@example.vn',
      locale: 'vi',
    });
    expect(requests[0]!.caseNumber).toMatch(/^KN/);

    const phoneOnly = (await visitor(stack.url, { email: undefined })).connect();
    await phoneOnly.connected();
    expect(phoneOnly.state!.hasEmail).toBe(false);
    expect(await phoneOnly.request('transcript:request')).toMatchObject({ ok: false, error: { code: 'no_email' } });
  });

  it('the pre-chat form names each bad field', async () => {
    const post = (json: unknown) => stack.api('/api/v1/livechat/sessions', { method: 'POST', json });
    const noContact = await post({ name: 'An' });
    expect(noContact.status).toBe(400);
    expect(noContact.body.errors.map((e: { field: string }) => e.field)).toEqual(['email']);
    const bad = await post({ name: '', email: 'nope', domain: 'not a domain', locale: 'fr' });
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['domain', 'email', 'locale', 'name']);
    const ok = await post({ name: 'An', phone: '+84 912 345 678', customerId: 'KH-001', locale: 'en' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ conversationId: expect.stringMatching(/^[0-9a-f]{24}$/), token: expect.any(String) });
  });

  it('attachments: checked by content and size, only within their conversation, readable by the visitor and agents', async () => {
    const v = (await visitor()).connect();
    await v.connected();
    const upload = (body: Buffer, token = v.token, name = 'hoá đơn.png') =>
      stack.api(`/api/v1/livechat/attachments?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(body),
      });
    const png = await upload(PNG);
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({
      fileName: 'hoá đơn.png',
      contentType: 'image/png',
      size: PNG.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const disguised = await upload(Buffer.from('<script>alert(1)</script>'), v.token, 'photo.png');
    expect(disguised.status).toBe(415);
    expect(disguised.body.errors[0].field).toBe('(body)');
    expect((await upload(Buffer.alloc(70_000, 0xff))).status).toBe(413);
    expect((await upload(PNG, 'not-a-token')).status).toBe(401);

    const ack = await v.send('Ảnh chụp hoá đơn', { attachmentIds: [png.body.id] });
    expect(ack.message.attachments).toEqual([png.body]);
    const c = await waitFor(
      'case with the attachment',
      async () => (await stack.api(`/api/v1/cases/${ack.receipt!.caseNumber}`, { token: agentToken })).body?.attachments,
    );
    expect(c).toEqual([png.body]);

    const other = (await visitor()).connect();
    await other.connected();
    expect(await other.emitSend({ clientMessageId: randomUUID(), text: 'x', attachmentIds: [png.body.id] })).toMatchObject({
      ok: false,
      error: { code: 'attachment_not_found' },
    });
    const own = await fetch(`${stack.url}/api/v1/livechat/attachments/${png.body.id}`, { headers: { authorization: `Bearer ${v.token}` } });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);
    expect(
      (await fetch(`${stack.url}/api/v1/livechat/attachments/${png.body.id}`, { headers: { authorization: `Bearer ${other.token}` } }))
        .status,
    ).toBe(404);
    expect(
      (await fetch(`${stack.url}/api/v1/livechat/attachments/${png.body.id}`, { headers: { authorization: `Bearer ${agentToken}` } }))
        .status,
    ).toBe(200);
  });

  it('serves the chat page, the embeddable loader and the agent page with a strict CSP', async () => {
    const chat = await fetch(`${stack.url}/chat`);
    expect(chat.status).toBe(200);
    const csp = chat.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'"); // LIVECHAT_EMBED_ORIGINS unset: the gateway's own pages only
    expect(csp).not.toContain('unsafe-inline');
    expect(chat.headers.get('x-frame-options')).toBeNull();
    const loader = await fetch(`${stack.url}/livechat/widget.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const agentPage = await fetch(`${stack.url}/livechat/agent`);
    expect(agentPage.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${stack.url}/socket.io/socket.io.min.js`)).status).toBe(200);
  });
});
