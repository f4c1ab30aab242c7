import type { ReceiptLetterInput } from './input';

/** What the receipt slip of a confirmed postal letter is made of: the case, and the clerk's confirmation. */
export interface PostalReceiptSource {
  company: ReceiptLetterInput['company'];
  caseNumber: string;
  /** The case's receipt time (the deadline runs from it). */
  receivedAt: Date | string;
  /** The case's deadlines as stored (YYYY-MM-DD, Asia/Ho_Chi_Minh). */
  deadlines: { target: string; cap: string };
  /** The customer's name on the case, if the clerk gave none. */
  caseCustomerName?: string;
  /** As stored on the letter (absent values may be null there). */
  confirmation: {
    text: string;
    customerRequest?: string | null;
    fields?: Partial<Record<'senderName' | 'address' | 'email' | 'phone', string | null>> | null;
    by: { name?: string | null };
  };
}

/**
 * The one description of a postal receipt slip (phiếu tiếp nhận), shared by the clerk's download
 * (gateway) and the copy e-mailed to the customer (worker), so that both are the same letter.
 */
export function postalReceiptInput(src: PostalReceiptSource): ReceiptLetterInput {
  const c = src.confirmation;
  const f = c.fields ?? {};
  const summary = c.text.length > 1200 ? `${c.text.slice(0, 1200).replace(/\s+\S*$/, '')} …` : c.text;
  return {
    language: 'vi',
    company: src.company,
    caseNumber: src.caseNumber,
    receivedAt: new Date(src.receivedAt),
    channel: 'postal',
    customer: {
      name: f.senderName ?? src.caseCustomerName ?? 'Quý khách',
      ...(f.address ? { address: f.address } : {}),
      ...(f.email ? { email: f.email } : {}),
      ...(f.phone ? { phone: f.phone } : {}),
    },
    complaintSummary: summary,
    customerRequest: c.customerRequest ?? 'Xem xét và trả lời khiếu nại bằng văn bản.',
    deadlines: { target: src.deadlines.target, cap: src.deadlines.cap },
    receivedBy: { name: c.by.name ?? 'Văn thư', title: 'Nhân viên tiếp nhận thư' },
  };
}

/** The slip's file name, as downloaded and as attached. */
export const postalReceiptFileName = (caseNumber: string): string => `phieu-tiep-nhan-${caseNumber}.pdf`;
