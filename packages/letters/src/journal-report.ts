import { numericDate, vnDay, vnTime } from './dates';
import { LetterWriter } from './layout';

/** What the printable handling journal (nhật ký xử lý) of one case shows. */
export interface JournalReportInput {
  caseNumber: string;
  channel: string;
  department: string;
  status: string;
  receivedAt: Date;
  subject?: string;
  customerName?: string;
  entries: Array<{ at: Date; type: string; actor: { kind: string; name?: string; role?: string }; message: string }>;
  generatedAt: Date;
  /** Who printed it (name or email). */
  generatedBy: string;
  companyName?: string;
}

const when = (at: Date) => `${numericDate(vnDay(at))} ${vnTime(at)}`;

function actorLabel(a: JournalReportInput['entries'][number]['actor']): string {
  if (a.kind === 'system') return 'Hệ thống';
  if (a.kind === 'customer') return a.name ? `Khách hàng (${a.name})` : 'Khách hàng';
  return [a.name, a.role].filter(Boolean).join(', ') || 'Nhân viên';
}

/**
 * The handling journal as a printable A4 PDF (Vietnamese, DejaVu Serif embedded: every diacritic):
 * the case's header, then every entry oldest first — time (Asia/Ho_Chi_Minh), what, who, and the
 * entry's text — with page numbers. Not signed: it is a record for staff and auditors, not a letter.
 */
export async function renderJournalReport(input: JournalReportInput): Promise<Uint8Array> {
  const w = await LetterWriter.create({
    title: `Nhật ký xử lý khiếu nại ${input.caseNumber}`,
    subject: `Handling journal of case ${input.caseNumber}`,
    author: input.companyName ?? input.generatedBy,
    language: 'vi-VN',
    createdAt: input.generatedAt,
  });
  if (input.companyName) w.text(input.companyName.toUpperCase(), { style: 'bold', size: 10, after: 6 });
  w.text('NHẬT KÝ XỬ LÝ KHIẾU NẠI', { style: 'bold', size: 15, align: 'center', after: 2 });
  w.text(`Số khiếu nại ${input.caseNumber}`, { size: 11, align: 'center', after: 12 });
  const labels = ['Tiếp nhận', 'Kênh', 'Bộ phận', 'Trạng thái', 'Khách hàng', 'Tiêu đề'];
  const labelWidth = w.labelWidth(labels, 10);
  w.labelled('Tiếp nhận', when(input.receivedAt), { size: 10, labelWidth });
  w.labelled('Kênh', input.channel, { size: 10, labelWidth });
  w.labelled('Bộ phận', input.department, { size: 10, labelWidth });
  w.labelled('Trạng thái', input.status, { size: 10, labelWidth });
  if (input.customerName) w.labelled('Khách hàng', input.customerName, { size: 10, labelWidth });
  if (input.subject) w.labelled('Tiêu đề', input.subject, { size: 10, labelWidth });
  w.rule({ before: 6, after: 8 });
  for (const e of input.entries) {
    w.heading(`${when(new Date(e.at))} · ${e.type} · ${actorLabel(e.actor)}`, { size: 9.5, before: 4 });
    w.text(e.message, { size: 10, x: 12, after: 4 });
  }
  w.text(`${input.entries.length} mục. In lúc ${when(input.generatedAt)} bởi ${input.generatedBy}.`, { size: 8.5, grey: true, after: 0 });
  return w.finish((page, of) => ({ left: `Nhật ký xử lý ${input.caseNumber}`, right: `Trang ${page}/${of}` }));
}
