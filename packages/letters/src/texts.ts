import { type Channel } from '@cg/contracts';
import { type DayParts, numericDate } from './dates';
import { type LetterLanguage } from './input';

/** Every word the letters print, in Vietnamese and English, in one place. */
export interface LetterTexts {
  /** Right-hand heading of Vietnamese administrative letters (national motto); none in English. */
  nationalHeading?: [string, string];
  defaultCity: string;
  placeAndDate(city: string, d: DayParts): string;
  date(d: DayParts): string;
  page(n: number, of: number): string;
  caseNumber: string;
  hotline: string;
  email: string;
  taxCode: string;

  answer: {
    title: string;
    to: string;
    address: string;
    receivedOn: string;
    answeredOn: string;
    opening(companyName: string, caseNumber: string, received: string): string;
    summary: string;
    findings: string;
    cause: string;
    remedy: string;
    further: string;
    defaultFurther(a: { hotline: string; email: string; caseNumber: string }): string;
    closing: string;
    digitallySigned: string;
    signedOn: string;
    copiesTo: string;
    defaultCopies(caseNumber: string): string[];
    subject(caseNumber: string): string;
  };

  receipt: {
    title: string;
    intro(companyName: string): string;
    receivedAt: string;
    channel: string;
    channels: Record<Channel, string>;
    customer: string;
    address: string;
    contact: string;
    complaint: string;
    request: string;
    target: string;
    targetValue(day: string, workingDays?: number): string;
    cap: string;
    capValue(day: string, length?: number, unit?: 'working_days' | 'calendar_days'): string;
    note(a: { hotline: string; email: string; caseNumber: string }): string;
    receivedBy: string;
    subject(caseNumber: string): string;
  };
}

const VI_MONTHS = ['', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
const EN_MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const vi: LetterTexts = {
  nationalHeading: ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'],
  defaultCity: 'Hà Nội',
  placeAndDate: (city, d) => `${city}, ngày ${String(d.day).padStart(2, '0')} tháng ${VI_MONTHS[d.month]} năm ${d.year}`,
  date: (d) => numericDate(d),
  page: (n, of) => `Trang ${n}/${of}`,
  caseNumber: 'Số hồ sơ',
  hotline: 'Đường dây nóng',
  email: 'Email',
  taxCode: 'Mã số thuế',

  answer: {
    title: 'VĂN BẢN TRẢ LỜI KHIẾU NẠI',
    to: 'Kính gửi',
    address: 'Địa chỉ',
    receivedOn: 'Ngày tiếp nhận khiếu nại',
    answeredOn: 'Ngày trả lời',
    opening: (company, caseNumber, received) =>
      `${company} đã nhận được khiếu nại của Quý khách ngày ${received} (số hồ sơ ${caseNumber}). ` +
      'Sau khi kiểm tra và xử lý, chúng tôi xin trả lời Quý khách như sau:',
    summary: '1. Nội dung khiếu nại',
    findings: '2. Kết quả kiểm tra',
    cause: '3. Nguyên nhân',
    remedy: '4. Biện pháp khắc phục',
    further: '5. Nếu Quý khách chưa đồng ý',
    defaultFurther: ({ hotline, email, caseNumber }) =>
      'Nếu chưa đồng ý với kết quả giải quyết, Quý khách vui lòng liên hệ lại với chúng tôi qua đường dây nóng ' +
      `${hotline} hoặc email ${email}, nêu số hồ sơ ${caseNumber}; khiếu nại sẽ được mở lại và xem xét. ` +
      'Quý khách cũng có quyền đề nghị cơ quan nhà nước có thẩm quyền giải quyết theo quy định của pháp luật.',
    closing: 'Chúng tôi chân thành cảm ơn Quý khách đã phản ánh và mong tiếp tục nhận được sự tin tưởng của Quý khách. Trân trọng.',
    digitallySigned: '(Đã ký số)',
    signedOn: 'Ngày ký',
    copiesTo: 'Nơi nhận:',
    defaultCopies: (caseNumber) => ['- Như trên;', `- Lưu hồ sơ ${caseNumber}.`],
    subject: (caseNumber) => `Trả lời khiếu nại ${caseNumber}`,
  },

  receipt: {
    title: 'PHIẾU TIẾP NHẬN KHIẾU NẠI',
    intro: (company) => `${company} xác nhận đã tiếp nhận khiếu nại của Quý khách với nội dung sau:`,
    receivedAt: 'Thời điểm tiếp nhận',
    channel: 'Kênh tiếp nhận',
    channels: { hotline: 'Đường dây nóng', email: 'Thư điện tử', livechat: 'Trò chuyện trực tuyến', postal: 'Thư bưu chính' },
    customer: 'Khách hàng',
    address: 'Địa chỉ',
    contact: 'Liên hệ',
    complaint: 'Nội dung khiếu nại (tóm tắt)',
    request: 'Yêu cầu của khách hàng',
    target: 'Thời hạn trả lời',
    targetValue: (day, n) => `trước 24:00 ngày ${day}` + (n ? ` (${n} ngày làm việc, không tính ngày tiếp nhận)` : ''),
    cap: 'Thời hạn tối đa theo quy định',
    capValue: (day, n, unit) =>
      `24:00 ngày ${day}` + (n ? ` (không quá ${n} ${unit === 'calendar_days' ? 'ngày' : 'ngày làm việc'}, kể cả khi gia hạn)` : ''),
    note: ({ hotline, email, caseNumber }) =>
      `Khi liên hệ về khiếu nại này, Quý khách vui lòng nêu số hồ sơ ${caseNumber} (đường dây nóng ${hotline}, email ${email}).`,
    receivedBy: 'NGƯỜI TIẾP NHẬN',
    subject: (caseNumber) => `Phiếu tiếp nhận khiếu nại ${caseNumber}`,
  },
};

const en: LetterTexts = {
  defaultCity: 'Hanoi',
  placeAndDate: (city, d) => `${city}, ${d.day} ${EN_MONTHS[d.month]} ${d.year}`,
  date: (d) => `${d.day} ${EN_MONTHS[d.month]} ${d.year}`,
  page: (n, of) => `Page ${n} of ${of}`,
  caseNumber: 'Case number',
  hotline: 'Hotline',
  email: 'Email',
  taxCode: 'Tax code',

  answer: {
    title: 'ANSWER TO YOUR COMPLAINT',
    to: 'To',
    address: 'Address',
    receivedOn: 'Complaint received on',
    answeredOn: 'Date of answer',
    opening: (company, caseNumber, received) =>
      `${company} received your complaint on ${received} (case number ${caseNumber}). ` + 'We have looked into it and answer as follows:',
    summary: '1. Your complaint',
    findings: '2. What we found',
    cause: '3. Cause',
    remedy: '4. What we have done',
    further: '5. If you do not agree',
    defaultFurther: ({ hotline, email, caseNumber }) =>
      `If you do not agree with this outcome, please contact us again on our hotline ${hotline} or at ${email}, ` +
      `quoting case number ${caseNumber}; the complaint will be reopened and reviewed. ` +
      'You may also ask the competent state authorities to settle the matter as the law provides.',
    closing: 'Thank you for letting us know. Yours sincerely,',
    digitallySigned: '(digitally signed)',
    signedOn: 'Signed on',
    copiesTo: 'Copies:',
    defaultCopies: (caseNumber) => ['- Addressee;', `- Case file ${caseNumber}.`],
    subject: (caseNumber) => `Answer to complaint ${caseNumber}`,
  },

  receipt: {
    title: 'COMPLAINT RECEIPT',
    intro: (company) => `${company} confirms that it has received your complaint:`,
    receivedAt: 'Received at',
    channel: 'Received by',
    channels: { hotline: 'Hotline call', email: 'Email', livechat: 'Live chat', postal: 'Post' },
    customer: 'Customer',
    address: 'Address',
    contact: 'Contact',
    complaint: 'Complaint (in brief)',
    request: 'What you ask',
    target: 'We will answer by',
    targetValue: (day, n) => `24:00 on ${day}` + (n ? ` (${n} working days, not counting the day of receipt)` : ''),
    cap: 'Legal limit',
    capValue: (day, n, unit) =>
      `24:00 on ${day}` + (n ? ` (at most ${n} ${unit === 'calendar_days' ? 'days' : 'working days'}, extensions included)` : ''),
    note: ({ hotline, email, caseNumber }) =>
      `Please quote case number ${caseNumber} whenever you contact us about this complaint (hotline ${hotline}, email ${email}).`,
    receivedBy: 'RECEIVED BY',
    subject: (caseNumber) => `Complaint receipt ${caseNumber}`,
  },
};

export const LETTER_TEXTS: Record<LetterLanguage, LetterTexts> = { vi, en };
