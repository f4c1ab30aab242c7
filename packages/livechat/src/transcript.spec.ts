import type { ChatMessageView } from '@cg/contracts';
import { renderTranscript } from './transcript';

const msg = (seq: number, over: Partial<ChatMessageView>): ChatMessageView => ({
  id: `m${seq}`,
  conversationId: 'c'.repeat(24),
  seq,
  sender: { kind: 'visitor' },
  type: 'text',
  text: '',
  attachments: [],
  createdAt: '2026-11-24T03:05:00.000Z',
  ...over,
});

describe('livechat transcript', () => {
  it('renders every message in order, in the customer’s language, as plain text', () => {
    const { subject, text } = renderTranscript({
      customerName: 'Lan',
      caseNumber: 'KN26-00042',
      locale: 'vi',
      messages: [
        msg(3, { sender: { kind: 'agent', name: 'Minh' }, text: 'Em kiểm tra ngay ạ.' }),
        msg(1, {
          text: 'Tên miền <b>lan.vn</b> bị khoá.',
          attachments: [{ id: 'a', fileName: 'hoá đơn.pdf', contentType: 'application/pdf', size: 10, sha256: 'a'.repeat(64) }],
        }),
        msg(2, { sender: { kind: 'system' }, type: 'receipt', data: { caseNumber: 'KN26-00042' } }),
        msg(4, { sender: { kind: 'system' }, type: 'notice', data: { event: 'ended' } }),
      ],
    });
    expect(subject).toBe('[KN26-00042] Bản ghi cuộc trò chuyện hỗ trợ');
    const lines = text.split('\n');
    expect(lines).toContain('[10:05 24/11/2026] Bạn: Tên miền <b>lan.vn</b> bị khoá.');
    expect(lines).toContain('    Tệp đính kèm: hoá đơn.pdf');
    expect(text.indexOf('mã số KN26-00042')).toBeLessThan(text.indexOf('Minh (Nhân viên CSKH): Em kiểm tra ngay ạ.'));
    expect(lines.at(-2)).toBe('[10:05 24/11/2026] Hệ thống: Cuộc trò chuyện đã kết thúc.');
  });

  it('speaks English when the chat was in English', () => {
    const { subject, text } = renderTranscript({ customerName: 'An', locale: 'en', messages: [msg(1, { text: 'Hello' })] });
    expect(subject).toBe('Your support chat transcript');
    expect(text).toContain('You: Hello');
  });
});
