import { randomBytes, randomUUID } from 'node:crypto';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import { sweepOrphanUploads } from '../../worker/src/orphan-uploads';
import { TestVisitor } from './support/livechat-clients';

// A 1×1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/** Uploads nobody attached (a chat file never sent, a note whose journal write failed) are deleted after a time. */
describe('orphan uploads', () => {
  let stack: TestStack;
  let visitor: TestVisitor | undefined;

  beforeAll(async () => {
    // The worker's sweep every 200 ms for files older than ~11 s (the second test waits for it).
    stack = await startTestStack({ env: { ORPHAN_UPLOAD_HOURS: '0.003', ORPHAN_UPLOAD_SWEEP_MS: '200' } });
  });
  afterAll(async () => {
    visitor?.close();
    await stack.close();
  });

  const uploadChat = async (token: string) => {
    const res = await fetch(`${stack.url}/api/v1/livechat/attachments?name=a.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: PNG,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  let sent: string;

  it('deletes chat files never sent and note files no journal entry references; keeps the others', async () => {
    visitor = await TestVisitor.start(stack.url, { name: 'Vũ Lan', email: 'lan@example.vn' });
    await visitor.connect().connected();
    sent = await uploadChat(visitor.token);
    const neverSent = await uploadChat(visitor.token);
    const ack = await visitor.send('Ảnh chụp lỗi thanh toán', { attachmentIds: [sent] });
    await waitFor('the message in MongoDB', async () => {
      const m = await stack.db.conversations.messagesAfter(visitor!.conversationId, 0, 100);
      return m.some((x) => x.attachments?.some((a) => a.id === sent));
    });
    expect(ack.ok).toBe(true);

    // A note with a file (referenced by the journal), and a file stored for a note that never got written.
    const call = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: await stack.tokenFor('hotline_operator'),
      json: { caller: { name: 'Vũ Lan', phone: '0913000444' }, notes: 'Thanh toán bị trừ tiền hai lần.', callId: `c-${randomUUID()}` },
    });
    const caseNumber = (call.body as { caseNumber: string }).caseNumber;
    await waitFor('the case', () => stack.db.cases.findByCaseNumber(caseNumber), { timeoutMs: 20_000 });
    const fd = new FormData();
    fd.append('text', 'ảnh chụp màn hình');
    fd.append('files', new Blob([PNG]), 'man-hinh.png');
    const noted = await stack.api(`/api/v1/cases/${caseNumber}/notes/attachments`, {
      method: 'POST',
      token: await stack.tokenFor('cs_agent'),
      body: fd,
    });
    expect(noted.status).toBe(201);
    const attachedNote = (await stack.db.cases.findByCaseNumber(caseNumber))!.journal
      .flatMap((j) => ((j.data as { attachments?: Array<{ id: string }> } | undefined)?.attachments ?? []).map((a) => a.id))
      .at(0)!;
    const orphanNote = `na${randomBytes(12).toString('hex')}`;
    await stack.db.noteAttachments.saveAll([
      {
        id: orphanNote,
        caseNumber,
        fileName: 'x.png',
        contentType: 'image/png',
        size: PNG.length,
        sha256: 'x',
        uploadedBy: 'a@b.c',
        data: PNG,
      },
    ]);

    const removed = await sweepOrphanUploads({ db: stack.db, before: new Date(Date.now() + 60_000) });
    expect(removed.chat + removed.notes).toBeLessThanOrEqual(2); // the worker's own sweep may have taken some first
    expect(await stack.db.chatAttachments.findById(neverSent)).toBeNull();
    expect(await stack.db.noteAttachments.findById(orphanNote)).toBeNull();
    expect(await stack.db.chatAttachments.findById(sent)).not.toBeNull();
    expect(await stack.db.noteAttachments.findById(attachedNote)).not.toBeNull();
  });

  it('the worker sweeps them by itself once they are older than ORPHAN_UPLOAD_HOURS', async () => {
    const abandoned = await uploadChat(visitor!.token);
    await waitFor('the abandoned upload to be swept', async () => (await stack.db.chatAttachments.findById(abandoned)) === null, {
      timeoutMs: 40_000,
    });
    expect(await stack.db.chatAttachments.findById(sent)).not.toBeNull();
  }, 60_000);
});
