/**
 * The customer's satisfaction survey after a case closes (issue 9, step 5): the page at
 * /survey/:token (apps/console `src/survey`) and its API under /api/v1/surveys/:token. Zod-free:
 * the page bundles it. Ratings are 1–5 with an optional comment.
 */

export const SURVEY_LANGUAGES = ['vi', 'en'] as const;
export type SurveyLanguage = (typeof SURVEY_LANGUAGES)[number];

export const SURVEY_RATING_MIN = 1;
export const SURVEY_RATING_MAX = 5;
export const SURVEY_COMMENT_MAX_CHARS = 2000;

/** The page is served at `${SURVEY_PAGE_PATH}/<token>`; the API at `${SURVEY_API_PATH}/<token>`. */
export const SURVEY_PAGE_PATH = '/survey';
export const SURVEY_API_PATH = '/api/v1/surveys';

/** GET /api/v1/surveys/:token when the survey may be answered. */
export interface SurveyFormView {
  status: 'open';
  caseNumber: string;
  language: SurveyLanguage;
  expiresAt: string;
}

/** POST /api/v1/surveys/:token: `{ rating, comment? }`; 201 with this when recorded. */
export interface SurveyAnswerView {
  status: 'answered';
  caseNumber: string;
  rating: number;
}

/**
 * Why a link cannot be answered (the problem document's `code`, and `language` when the case is
 * known): `survey_link_invalid` 404 (not a link we made: mistyped, cut or altered),
 * `survey_link_expired` 410, `survey_link_replaced` 410 (the case was reopened; a new link
 * comes when it closes again), `survey_already_answered` 409, `survey_not_open` 409 (the case
 * is open again), `survey_staff_refused` 403 (a signed-in staff browser).
 */
export const SURVEY_REFUSALS = [
  'survey_link_invalid',
  'survey_link_expired',
  'survey_link_replaced',
  'survey_already_answered',
  'survey_not_open',
  'survey_staff_refused',
] as const;
export type SurveyRefusal = (typeof SURVEY_REFUSALS)[number];

export interface SurveyTexts {
  title: string;
  intro: (caseNumber: string) => string;
  ratingLegend: string;
  ratingLabels: readonly [string, string, string, string, string];
  comment: string;
  commentHint: string;
  submit: string;
  submitting: string;
  ratingRequired: string;
  thanks: string;
  thanksDetail: (caseNumber: string) => string;
  failed: string;
  validUntil: (date: string) => string;
  refused: Record<SurveyRefusal, { title: string; detail: string }>;
}

export const SURVEY_TEXTS: Record<SurveyLanguage, SurveyTexts> = {
  vi: {
    title: 'Khảo sát mức độ hài lòng',
    intro: (n) => `Khiếu nại ${n} đã được giải quyết. Quý khách vui lòng cho biết mức độ hài lòng với cách chúng tôi xử lý.`,
    ratingLegend: 'Mức độ hài lòng (1 = rất không hài lòng, 5 = rất hài lòng)',
    ratingLabels: ['1 — Rất không hài lòng', '2 — Không hài lòng', '3 — Bình thường', '4 — Hài lòng', '5 — Rất hài lòng'],
    comment: 'Ý kiến thêm (không bắt buộc)',
    commentHint: 'Tối đa 2000 ký tự.',
    submit: 'Gửi đánh giá',
    submitting: 'Đang gửi…',
    ratingRequired: 'Vui lòng chọn một mức từ 1 đến 5.',
    thanks: 'Cảm ơn Quý khách!',
    thanksDetail: (n) => `Đánh giá cho khiếu nại ${n} đã được ghi nhận.`,
    failed: 'Chưa gửi được đánh giá. Vui lòng thử lại sau ít phút.',
    validUntil: (d) => `Liên kết có hiệu lực đến ${d}.`,
    refused: {
      survey_link_invalid: {
        title: 'Liên kết không hợp lệ',
        detail: 'Liên kết khảo sát không đúng hoặc đã bị cắt ngắn. Vui lòng mở lại liên kết đầy đủ trong thư của chúng tôi.',
      },
      survey_link_expired: {
        title: 'Liên kết đã hết hạn',
        detail: 'Thời gian trả lời khảo sát cho khiếu nại này đã kết thúc. Nếu cần, Quý khách vui lòng gọi tổng đài.',
      },
      survey_link_replaced: {
        title: 'Liên kết không còn hiệu lực',
        detail: 'Khiếu nại đã được mở lại; Quý khách sẽ nhận liên kết khảo sát mới khi khiếu nại được giải quyết.',
      },
      survey_already_answered: {
        title: 'Khảo sát đã được trả lời',
        detail: 'Mỗi liên kết chỉ dùng được một lần và đánh giá của Quý khách đã được ghi nhận. Xin cảm ơn!',
      },
      survey_not_open: {
        title: 'Khiếu nại đang được xử lý lại',
        detail: 'Khiếu nại này đã được mở lại; Quý khách sẽ nhận liên kết khảo sát mới khi khiếu nại được giải quyết.',
      },
      survey_staff_refused: {
        title: 'Nhân viên không thể trả lời khảo sát',
        detail: 'Trình duyệt này đang đăng nhập tài khoản nhân viên. Khảo sát chỉ dành cho khách hàng.',
      },
    },
  },
  en: {
    title: 'Satisfaction survey',
    intro: (n) => `Your complaint ${n} has been resolved. Please tell us how satisfied you are with the way we handled it.`,
    ratingLegend: 'How satisfied are you? (1 = very dissatisfied, 5 = very satisfied)',
    ratingLabels: ['1 — Very dissatisfied', '2 — Dissatisfied', '3 — Neutral', '4 — Satisfied', '5 — Very satisfied'],
    comment: 'Anything else you would like to tell us (optional)',
    commentHint: 'Up to 2000 characters.',
    submit: 'Send',
    submitting: 'Sending…',
    ratingRequired: 'Please choose a rating from 1 to 5.',
    thanks: 'Thank you!',
    thanksDetail: (n) => `Your rating for complaint ${n} has been recorded.`,
    failed: 'Your rating could not be sent. Please try again in a few minutes.',
    validUntil: (d) => `This link is valid until ${d}.`,
    refused: {
      survey_link_invalid: {
        title: 'This link is not valid',
        detail: 'The survey link is wrong or was cut short. Please open the full link from our email again.',
      },
      survey_link_expired: {
        title: 'This link has expired',
        detail: 'The time to answer the survey for this complaint is over. If you need us, please call our hotline.',
      },
      survey_link_replaced: {
        title: 'This link is no longer valid',
        detail: 'Your complaint was reopened; you will receive a new survey link when it is resolved.',
      },
      survey_already_answered: {
        title: 'This survey was already answered',
        detail: 'Each link can be used once, and your rating has been recorded. Thank you!',
      },
      survey_not_open: {
        title: 'Your complaint is being handled again',
        detail: 'Your complaint was reopened; you will receive a new survey link when it is resolved.',
      },
      survey_staff_refused: {
        title: 'Staff cannot answer the survey',
        detail: 'This browser is signed in to a staff account. The survey is for customers only.',
      },
    },
  },
};

/** GET /api/v1/cases/:caseNumber/survey-link (staff, closed cases): the link of the current closing. */
export interface SurveyLinkView {
  caseNumber: string;
  round: number;
  url: string;
  expiresAt: string;
  answered: { rating: number; at: string } | null;
}
