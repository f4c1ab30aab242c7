/**
 * Text normalisation for complaints.
 *
 * Two forms exist on purpose: the *stored* form keeps every diacritic (NFC, so
 * equal strings compare equal byte-wise), and the *folded* form is only used
 * for matching: customers type Vietnamese with or without accents, with chat
 * abbreviations, so "Không đc", "ko duoc" and "khong được" must all look alike.
 */

/** The form a complaint is stored and shown in: Unicode NFC, nothing else changed. */
export function normalizeForStorage(text: string): string {
  return text.normalize('NFC');
}

/**
 * Chat abbreviations expanded as whole tokens (after folding, so keys are
 * accent-free lowercase). Ambiguous short forms are left out on purpose:
 * `kh` (không / khách hàng), `hd` (hoá đơn / hợp đồng), `sp` (sản phẩm /
 * support), `gd` (giám đốc / giao dịch), `v` (vậy / version) and `a`/`e`
 * (anh / em, but also English words), `hong` (hỏng = broken folds to it) and
 * `tt` (thanh toán / thông tin) would add noise rather than signal.
 */
export const DEFAULT_ABBREVIATIONS: Readonly<Record<string, string>> = Object.freeze({
  // không
  ko: 'khong',
  k: 'khong',
  khong: 'khong',
  hok: 'khong',
  hk: 'khong',
  khg: 'khong',
  kg: 'khong',
  k0: 'khong',
  khum: 'khong',
  hem: 'khong',
  kp: 'khong phai',
  // được
  dc: 'duoc',
  duoc: 'duoc',
  dk: 'dang ky',
  dky: 'dang ky',
  dangky: 'dang ky',
  // money / account
  ck: 'chuyen khoan',
  tk: 'tai khoan',
  mk: 'mat khau',
  pw: 'mat khau',
  hdon: 'hoa don',
  hdong: 'hop dong',
  // domain / support
  tm: 'ten mien',
  tenmien: 'ten mien',
  ht: 'ho tro',
  hotro: 'ho tro',
  gh: 'gia han',
  nv: 'nhan vien',
  cty: 'cong ty',
  sdt: 'so dien thoai',
  dt: 'dien thoai',
  dthoai: 'dien thoai',
  // function words
  j: 'gi',
  gj: 'gi',
  vs: 'voi',
  ng: 'nguoi',
  r: 'roi',
  rui: 'roi',
  oy: 'roi',
  bn: 'bao nhieu',
  bh: 'bao gio',
  ntn: 'nhu the nao',
  trc: 'truoc',
  ms: 'moi',
  lm: 'lam',
  wa: 'qua',
  bik: 'biet',
  kq: 'ket qua',
  tg: 'thoi gian',
  bt: 'binh thuong',
  mn: 'moi nguoi',
  nhg: 'nhung',
  thui: 'thoi',
  cx: 'cung',
  cg: 'cung',
  vd: 'vi du',
  ok: 'ok',
  oke: 'ok',
  okie: 'ok',
  // spelling variants of product words
  'e-mail': 'email',
  webside: 'website',
  wedsite: 'website',
  hostting: 'hosting',
  emai: 'email',
});

const COMBINING_MARKS = /[\u0300-\u036f]/g;
// Anything that is not a letter or a digit separates tokens; "." inside a
// token (".vn", "abc.com") is split too, which is what matching wants.
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/**
 * Accent-free lowercase form with punctuation collapsed to single spaces.
 * NFD, strip U+0300–U+036F, đ/Đ → d, lowercase. Does not expand abbreviations
 * (see {@link foldForMatching}).
 */
export function foldBasic(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/e-mail/g, 'email')
    .replace(SEPARATORS, ' ')
    .trim();
}

/**
 * "invoices" → "invoice", "emails" → "email". Vietnamese syllables never end
 * in "s", so this only touches English (and loanwords); short words and
 * endings like "-ss", "-us", "-is" ("access", "status", "analysis") are kept.
 */
function stripEnglishPlural(token: string): string {
  if (token.length < 5 || token.charCodeAt(token.length - 1) !== 115 /* s */) return token;
  const before = token.charCodeAt(token.length - 2);
  if (before === 115 /* s */ || before === 117 /* u */ || before === 105 /* i */) return token;
  return token.slice(0, -1);
}

/** Split folded text into tokens and expand chat abbreviations token-wise. */
export function foldTokens(text: string, abbreviations: Readonly<Record<string, string>> = DEFAULT_ABBREVIATIONS): string[] {
  const folded = foldBasic(text);
  if (folded === '') return [];
  const out: string[] = [];
  for (const token of folded.split(' ')) {
    const expansion = Object.prototype.hasOwnProperty.call(abbreviations, token) ? abbreviations[token] : undefined;
    if (expansion === undefined) {
      out.push(stripEnglishPlural(token));
    } else {
      for (const part of expansion.split(' ')) out.push(part);
    }
  }
  return out;
}

/**
 * The matching form of a text: folded, punctuation collapsed, abbreviations
 * expanded as whole tokens, English plurals reduced to the singular. "Tôi ko gửi đc mail!!" → "toi khong gui duoc mail".
 */
export function foldForMatching(text: string, abbreviations: Readonly<Record<string, string>> = DEFAULT_ABBREVIATIONS): string {
  return foldTokens(text, abbreviations).join(' ');
}
