import { randomUUID } from 'node:crypto';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/** A chat transcript asked for in the widget reaches the customer's mailbox through mail_outbound. */
describe('livechat transcripts are e-mailed', () => {
  /** The workers and an SMTP sink. */
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ gateway: false, smtp: true, env: { MAIL_OUTBOX_POLL_MS: '100' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('renders the conversation up to the requested message, sends it once, and marks the request sent', async () => {
    const { db } = stack;
    const { smtp } = stack;
    const conversation = await db.conversations.create({
      visitorId: randomUUID(),
      locale: 'vi',
      customer: { name: 'Lê Thị Lan', email: 'lan@example.vn' },
    });
    const id = String(conversation._id);
    const say = async (seq: number, kind: 'visitor' | 'agent', text: string) =>
      db.conversations.insertMessage({
        conversationId: id,
        seq,
        messageId: `m${seq}`,
        sender: { kind, ...(kind === 'agent' ? { name: 'Minh' } : {}) },
        type: 'text',
        text,
      });
    await say(1, 'visitor', 'Website của tôi bị lỗi SSL từ sáng.');
    await say(2, 'agent', 'Chúng tôi đang kiểm tra chứng chỉ cho anh chị.');
    await say(3, 'visitor', 'Tin nhắn sau yêu cầu bản ghi.');
    await db.transcriptRequests.request({
      conversationId: id,
      email: 'lan@example.vn',
      locale: 'vi',
      caseNumber: 'KN26-00077',
      reason: 'requested',
      upToSeq: 2,
      requestedAt: new Date(),
    });

    const mail = await waitFor('the transcript at the SMTP server', () =>
      smtp.messages.find((m) => m.envelopeTo.includes('lan@example.vn')),
    );
    expect(mail.parsed.subject).toContain('KN26-00077');
    expect(mail.parsed.text).toContain('Website của tôi bị lỗi SSL từ sáng.');
    expect(mail.parsed.text).toContain('Chúng tôi đang kiểm tra chứng chỉ');
    expect(mail.parsed.text).not.toContain('Tin nhắn sau yêu cầu bản ghi.');
    // RFC 3834: sent in response to the customer's request, so loop-safe mail systems won't answer it.
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    const [request] = await waitFor('request marked sent', async () => {
      const rows = await db.transcriptRequests.listForConversation(id);
      return rows[0]?.status === 'sent' ? rows : undefined;
    });
    expect(request!.status).toBe('sent');
    await waitFor(
      'mail_outbound row sent',
      async () => (await db.mailOutbound.model.findOne({ kind: 'transcript' }).lean())?.status === 'sent',
    );
    expect(smtp.messages.filter((m) => m.envelopeTo.includes('lan@example.vn'))).toHaveLength(1);
  });
});
