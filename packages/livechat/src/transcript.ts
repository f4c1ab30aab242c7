import type { ChatMessageView, LivechatLocale } from '@cg/contracts';

const TEXTS = {
  vi: {
    subject: (caseNumber?: string) => (caseNumber ? `[${caseNumber}] Bản ghi cuộc trò chuyện hỗ trợ` : 'Bản ghi cuộc trò chuyện hỗ trợ'),
    intro: (name: string) => `Kính gửi ${name},\n\nDưới đây là bản ghi cuộc trò chuyện của bạn với bộ phận chăm sóc khách hàng.`,
    caseLine: (n: string) => `Mã số khiếu nại: ${n}`,
    you: 'Bạn',
    agent: 'Nhân viên CSKH',
    system: 'Hệ thống',
    receipt: (n: string) => `Đã tiếp nhận khiếu nại, mã số ${n}.`,
    ended: 'Cuộc trò chuyện đã kết thúc.',
    files: 'Tệp đính kèm',
  },
  en: {
    subject: (caseNumber?: string) => (caseNumber ? `[${caseNumber}] Your support chat transcript` : 'Your support chat transcript'),
    intro: (name: string) => `Dear ${name},\n\nHere is the transcript of your conversation with our customer support.`,
    caseLine: (n: string) => `Case number: ${n}`,
    you: 'You',
    agent: 'Support agent',
    system: 'System',
    receipt: (n: string) => `Complaint received, case number ${n}.`,
    ended: 'The conversation ended.',
    files: 'Attachments',
  },
} as const;

/** HH:MM DD/MM/YYYY in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function vnTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())} ${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/**
 * A conversation as a plain-text e-mail (what the outbound e-mail worker sends for a pending
 * transcript request). Plain text only: nothing a customer or agent typed becomes markup.
 */
export function renderTranscript(input: {
  customerName: string;
  caseNumber?: string;
  locale: LivechatLocale;
  messages: ChatMessageView[];
}): { subject: string; text: string } {
  const t = TEXTS[input.locale];
  const lines: string[] = [t.intro(input.customerName || '…')];
  if (input.caseNumber) lines.push(t.caseLine(input.caseNumber));
  lines.push('');
  for (const m of [...input.messages].sort((a, b) => a.seq - b.seq)) {
    const who = m.sender.kind === 'visitor' ? t.you : m.sender.kind === 'agent' ? `${m.sender.name ?? t.agent} (${t.agent})` : t.system;
    let text = m.text;
    const receiptCaseNumber = m.data?.caseNumber;
    if (m.type === 'receipt') text = t.receipt(typeof receiptCaseNumber === 'string' ? receiptCaseNumber : (input.caseNumber ?? ''));
    if (m.type === 'notice' && m.data?.event === 'ended') text = t.ended;
    lines.push(`[${vnTime(m.createdAt)}] ${who}: ${text}`);
    if (m.attachments.length) lines.push(`    ${t.files}: ${m.attachments.map((a) => a.fileName).join(', ')}`);
  }
  return { subject: t.subject(input.caseNumber), text: `${lines.join('\n')}\n` };
}
