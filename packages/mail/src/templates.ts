import { subjectWithCaseNumber } from './case-number-in-subject';

/** What an email says, in Vietnamese first and English second (the customer base is bilingual). */
export interface MailContent {
  subject: string;
  text: string;
}

export interface ReceiptInput {
  caseNumber: string;
  customerName?: string;
  subject?: string;
  bodyText: string;
  attachmentNames: string[];
  /** `deadlines.target` of the case as stored: YYYY-MM-DD in Asia/Ho_Chi_Minh, ending 24:00. */
  targetDueDate: string;
}

export function receiptMail(r: ReceiptInput): MailContent {
  const due = vnDate(r.targetDueDate);
  const excerpt = summary(r.bodyText, 300);
  const files = r.attachmentNames.length ? r.attachmentNames.join(', ') : undefined;
  const text = [
    `Kính gửi ${r.customerName ?? 'Quý khách'},`,
    '',
    'Chúng tôi đã tiếp nhận khiếu nại của Quý khách.',
    `  Mã khiếu nại: ${r.caseNumber}`,
    ...(r.subject ? [`  Tiêu đề: ${r.subject}`] : []),
    `  Nội dung đã nhận: ${excerpt}`,
    ...(files ? [`  Tệp đính kèm: ${files}`] : []),
    `  Thời hạn trả lời: trước 24:00 ngày ${due} (giờ Việt Nam)`,
    '',
    'Khi trả lời thư này, xin giữ nguyên mã khiếu nại trong tiêu đề.',
    '',
    '----------------------------------------',
    '',
    `Dear ${r.customerName ?? 'Customer'},`,
    '',
    'We have received your complaint.',
    `  Case number: ${r.caseNumber}`,
    ...(r.subject ? [`  Subject: ${r.subject}`] : []),
    `  What we received: ${excerpt}`,
    ...(files ? [`  Attachments: ${files}`] : []),
    `  We will answer by: 24:00 on ${due} (Vietnam time)`,
    '',
    'Please keep the case number in the subject when you reply.',
    '',
    'Đây là thư tự động / This is an automatic message.',
  ].join('\n');
  return {
    subject: subjectWithCaseNumber(r.caseNumber, `Đã tiếp nhận khiếu nại / Complaint received${r.subject ? `: ${r.subject}` : ''}`),
    text,
  };
}

export function staffReplyMail(input: { caseNumber: string; customerSubject?: string; text: string; staffName?: string }): MailContent {
  const signature = input.staffName ? `\n\n${input.staffName}\nChăm sóc khách hàng / Customer support` : '';
  return {
    subject: subjectWithCaseNumber(input.caseNumber, input.customerSubject ?? 'Trả lời khiếu nại / Answer to your complaint', 'Re: '),
    text: `${input.text.trim()}${signature}\n\n(Mã khiếu nại / Case number: ${input.caseNumber})`,
  };
}

export function oversizeNoticeMail(input: { subject?: string; size: number; limit: number }): MailContent {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  const about = input.subject ? ` "${input.subject}"` : '';
  return {
    subject: `Thư chưa được tiếp nhận / Your message was not accepted${input.subject ? `: ${input.subject}` : ''}`.slice(0, 500),
    text: [
      `Thư${about} của Quý khách có dung lượng ${mb(input.size)}, vượt quá giới hạn ${mb(input.limit)} nên chưa được tiếp nhận thành khiếu nại.`,
      'Xin gửi lại với tệp đính kèm nhỏ hơn (hoặc chia thành nhiều thư), hoặc gọi tổng đài để được hỗ trợ.',
      '',
      `Your message${about} is ${mb(input.size)}, above our ${mb(input.limit)} limit, so it was not recorded as a complaint.`,
      'Please send it again with smaller attachments (or split it over several messages), or call our hotline.',
      '',
      'Đây là thư tự động / This is an automatic message.',
    ].join('\n'),
  };
}

/** The satisfaction survey link after a case closed (issue 9, step 5): one per closing, single use. */
export function surveyInviteMail(input: { caseNumber: string; customerName?: string; url: string; expiresAt: Date }): MailContent {
  // The link's last day in Vietnam (UTC+7, no daylight saving).
  const until = vnDate(new Date(input.expiresAt.getTime() + 7 * 3600_000).toISOString().slice(0, 10));
  return {
    subject: subjectWithCaseNumber(input.caseNumber, 'Khảo sát mức độ hài lòng / How did we do?'),
    text: [
      `Kính gửi ${input.customerName ?? 'Quý khách'},`,
      '',
      `Khiếu nại ${input.caseNumber} của Quý khách đã được giải quyết. Quý khách vui lòng dành một phút cho biết mức độ hài lòng (1–5) tại:`,
      '',
      `  ${input.url}`,
      '',
      `Liên kết dùng được một lần, đến hết ngày ${until}. Nếu chưa hài lòng với kết quả, Quý khách có thể gọi tổng đài để mở lại khiếu nại.`,
      '',
      '----------------------------------------',
      '',
      `Dear ${input.customerName ?? 'Customer'},`,
      '',
      `Your complaint ${input.caseNumber} has been resolved. Please take a minute to tell us how satisfied you are (1–5):`,
      '',
      `  ${input.url}`,
      '',
      `The link can be used once, until the end of ${until}. If you are not satisfied with the outcome, call our hotline to reopen the complaint.`,
      '',
      'Đây là thư tự động / This is an automatic message.',
    ].join('\n'),
  };
}

function vnDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return y && m && d ? `${d}/${m}/${y}` : isoDate;
}

function summary(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
