import type { LivechatLocale } from './livechat-protocol';

/**
 * What the customer reads in the chat page and on the loader's button, in Vietnamese (the
 * default) and English. Plain strings and small formatters, no markup: the page sets them with
 * textContent.
 */
export interface LivechatTexts {
  title: string;
  /** The language switch: the other language's short name and its accessible label. */
  other: string;
  otherLabel: string;
  minimize: string;
  formIntro: string;
  name: string;
  email: string;
  phone: string;
  contactHint: string;
  domainOrId: string;
  start: string;
  starting: string;
  placeholder: string;
  send: string;
  sending: string;
  received: string;
  failed: string;
  retry: string;
  connecting: string;
  online: string;
  offline: string;
  noAgent: string;
  receiptTitle: string;
  caseNumber: string;
  deadline: string;
  withinDays: string;
  byDate: (ddmmyyyy: string) => string;
  receivedAt: string;
  keepNumber: string;
  agentTyping: (name?: string) => string;
  you: string;
  agent: string;
  transcript: string;
  transcriptQueued: string;
  end: string;
  endConfirm: string;
  ended: string;
  endedBy: string;
  newChat: string;
  attach: string;
  uploading: string;
  tooBig: string;
  badType: string;
  sessionExpired: string;
  formError: string;
  needContact: string;
  tooMany: string;
  unavailable: string;
  genericError: string;
}

/** The loader's texts (widget.js, on the customer's site): kept apart so the loader stays tiny. */
export interface LivechatLoaderTexts {
  /** The chat iframe's accessible title (also the chat page's title). */
  frameTitle: string;
  button: string;
  buttonLabel: string;
}

export const LIVECHAT_LOADER_TEXTS: Record<LivechatLocale, LivechatLoaderTexts> = {
  vi: { frameTitle: 'Hỗ trợ khách hàng', button: 'Hỗ trợ', buttonLabel: 'Mở hỗ trợ trực tuyến' },
  en: { frameTitle: 'Customer support', button: 'Support', buttonLabel: 'Open live support' },
};

export const LIVECHAT_TEXTS: Record<LivechatLocale, LivechatTexts> = {
  vi: {
    title: LIVECHAT_LOADER_TEXTS.vi.frameTitle,
    other: 'EN',
    otherLabel: 'Switch to English',
    minimize: 'Thu nhỏ',
    formIntro:
      'Xin chào! Vui lòng cho chúng tôi biết cách liên hệ với bạn. Tin nhắn đầu tiên của bạn sẽ được ghi nhận là phản ánh/khiếu nại và bạn nhận được mã số ngay.',
    name: 'Họ và tên',
    email: 'Email',
    phone: 'Số điện thoại',
    contactHint: 'Cần ít nhất email hoặc số điện thoại.',
    domainOrId: 'Tên miền hoặc mã khách hàng (không bắt buộc)',
    start: 'Bắt đầu trò chuyện',
    starting: 'Đang mở…',
    placeholder: 'Nhập nội dung phản ánh…',
    send: 'Gửi',
    sending: 'Đang gửi…',
    received: 'Đã nhận',
    failed: 'Chưa gửi được',
    retry: 'Thử lại',
    connecting: 'Đang kết nối…',
    online: 'Đã kết nối',
    offline: 'Mất kết nối — đang thử lại…',
    noAgent:
      'Hiện chưa có nhân viên trực tuyến. Bạn vẫn có thể gửi khiếu nại: chúng tôi ghi nhận ngay, cấp mã số và trả lời trong thời hạn quy định.',
    receiptTitle: 'Đã tiếp nhận khiếu nại của bạn',
    caseNumber: 'Mã số',
    deadline: 'Hạn trả lời',
    withinDays: 'trong 5 ngày làm việc',
    byDate: (d) => `trước 24:00 ngày ${d}`,
    receivedAt: 'Tiếp nhận lúc',
    keepNumber: 'Vui lòng giữ mã số này để tra cứu.',
    agentTyping: (n) => `${n || 'Nhân viên'} đang nhập…`,
    you: 'Bạn',
    agent: 'Nhân viên CSKH',
    transcript: 'Gửi bản ghi qua email',
    transcriptQueued: 'Bản ghi cuộc trò chuyện sẽ được gửi tới email của bạn.',
    end: 'Kết thúc trò chuyện',
    endConfirm: 'Kết thúc cuộc trò chuyện này?',
    ended: 'Cuộc trò chuyện đã kết thúc. Cảm ơn bạn!',
    endedBy: 'Cuộc trò chuyện đã kết thúc.',
    newChat: 'Bắt đầu cuộc trò chuyện mới',
    attach: 'Đính kèm ảnh hoặc PDF',
    uploading: 'Đang tải tệp lên…',
    tooBig: 'Tệp quá lớn (tối đa 10 MB).',
    badType: 'Chỉ nhận ảnh (PNG, JPEG, GIF, WebP) hoặc PDF.',
    sessionExpired: 'Phiên trò chuyện đã hết hạn. Vui lòng điền lại thông tin.',
    formError: 'Vui lòng kiểm tra lại các ô được đánh dấu.',
    needContact: 'Cần email hoặc số điện thoại.',
    tooMany: 'Bạn thao tác quá nhanh, vui lòng chờ giây lát.',
    unavailable: 'Hệ thống đang bận, tin nhắn sẽ được gửi lại tự động.',
    genericError: 'Có lỗi xảy ra, vui lòng thử lại.',
  },
  en: {
    title: LIVECHAT_LOADER_TEXTS.en.frameTitle,
    other: 'VI',
    otherLabel: 'Chuyển sang tiếng Việt',
    minimize: 'Minimize',
    formIntro: 'Hello! Tell us how to reach you. Your first message is recorded as your complaint and you get a case number at once.',
    name: 'Full name',
    email: 'Email',
    phone: 'Phone number',
    contactHint: 'An email or a phone number is required.',
    domainOrId: 'Domain name or customer ID (optional)',
    start: 'Start chat',
    starting: 'Opening…',
    placeholder: 'Describe your problem…',
    send: 'Send',
    sending: 'Sending…',
    received: 'Received',
    failed: 'Not sent',
    retry: 'Retry',
    connecting: 'Connecting…',
    online: 'Connected',
    offline: 'Connection lost — retrying…',
    noAgent:
      'No agent is online right now. You can still send your complaint: it is recorded at once, you get a case number, and we answer within the deadline.',
    receiptTitle: 'Your complaint has been received',
    caseNumber: 'Case number',
    deadline: 'Answer due',
    withinDays: 'within 5 working days',
    byDate: (d) => `by 24:00 on ${d}`,
    receivedAt: 'Received at',
    keepNumber: 'Please keep this number for reference.',
    agentTyping: (n) => `${n || 'An agent'} is typing…`,
    you: 'You',
    agent: 'Support agent',
    transcript: 'Email me the transcript',
    transcriptQueued: 'The transcript will be sent to your email.',
    end: 'End chat',
    endConfirm: 'End this conversation?',
    ended: 'This conversation has ended. Thank you!',
    endedBy: 'The conversation has ended.',
    newChat: 'Start a new conversation',
    attach: 'Attach an image or PDF',
    uploading: 'Uploading the file…',
    tooBig: 'The file is too large (10 MB at most).',
    badType: 'Only images (PNG, JPEG, GIF, WebP) or PDF files.',
    sessionExpired: 'Your chat session has expired. Please fill in the form again.',
    formError: 'Please check the highlighted fields.',
    needContact: 'An email or a phone number is required.',
    tooMany: 'Too fast — please wait a moment.',
    unavailable: 'The system is busy; your message will be sent again automatically.',
    genericError: 'Something went wrong; please try again.',
  },
};
