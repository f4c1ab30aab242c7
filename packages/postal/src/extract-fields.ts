/**
 * Prefills the clerk's form from a letter's recognised lines: sender name, postal address, phone,
 * email, customer id, domain name and the letter's date. Pure and deterministic. Labels are
 * matched on a folded copy (no diacritics, lowercase), since OCR sometimes drops a mark; values
 * are cut from the original line, so they keep theirs. Each field carries the OCR confidence of
 * the line it came from and is flagged when that is low: the clerk checks those first.
 */

export interface ExtractedField {
  value: string;
  /** The line's mean OCR confidence (0–100). */
  confidence: number;
  /** Below the threshold: the clerk must look at the scan. */
  lowConfidence: boolean;
  /** 0-based index of the line it came from (in the lines given). */
  line: number;
}

export const POSTAL_FIELD_NAMES = ['senderName', 'address', 'phone', 'email', 'customerId', 'domain', 'letterDate'] as const;
export type PostalFieldName = (typeof POSTAL_FIELD_NAMES)[number];
export type ExtractedFields = Partial<Record<PostalFieldName, ExtractedField>>;

export interface ExtractionOptions {
  /** A line below this confidence flags its fields (default 80). */
  lowConfidenceBelow?: number;
  /** The company's own addresses, numbers and domains (letterheads, "Kính gửi"): never taken as the sender's. */
  ownDomains?: readonly string[];
  ownPhones?: readonly string[];
}

export interface InputLine {
  text: string;
  confidence: number;
}

/** Folds one character at a time so indexes stay aligned with the original (NFC) line. */
export function foldAligned(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === 'đ' || ch === 'Đ') {
      out += 'd';
      continue;
    }
    const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += base.length === ch.length ? base.toLowerCase() : ch.toLowerCase();
  }
  return out;
}

const digits = (s: string) => s.replace(/\D/g, '');

// A Vietnamese phone: +84 or 0, then 9–10 digits, with spaces, dots or dashes between groups.
const PHONE = /(?:\+84|\(\+84\)|0)[\s.-]?\d(?:[\s.-]?\d){7,9}\b/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const TLDS =
  'com\\.vn|net\\.vn|org\\.vn|edu\\.vn|gov\\.vn|biz\\.vn|info\\.vn|name\\.vn|pro\\.vn|io\\.vn|id\\.vn|ac\\.vn|health\\.vn|vn|com|net|org|info|biz|io|co|asia|online|store|shop|site|xyz|me|tv|app|dev';
const DOMAIN = new RegExp(`\\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS}))\\b`, 'i');
// Words of a name: a capital letter (Vietnamese ones included) then lowercase letters.
const NAME_WORD = /^[A-ZÀ-ỸĐ][a-zà-ỹđ]*$/u;

function cleanValue(s: string): string {
  return s
    .replace(/^[\s:.\-–—,;]+/, '')
    .replace(/[\s.,;:]+$/, '')
    .trim();
}

/** Up to 6 capitalised words from the start of `s` (a person's name). */
function takeName(s: string): string | null {
  const words = cleanValue(s)
    .replace(/^(ông|bà|anh|chị|mr\.?|mrs\.?|ms\.?)\s+/i, '')
    .split(/\s+/);
  const name: string[] = [];
  for (const w of words) {
    const bare = w.replace(/[,.;:]$/, '');
    if (!NAME_WORD.test(bare) && !/^[A-ZÀ-ỸĐ]{2,}$/u.test(bare)) break;
    name.push(bare);
    if (bare !== w || name.length === 6) break;
  }
  return name.length >= 2 ? name.join(' ') : null;
}

interface Found {
  value: string;
  line: number;
}

function labelled(folded: string[], lines: InputLine[], labels: RegExp, take: (rest: string) => string | null): Found | null {
  for (let i = 0; i < lines.length; i++) {
    const m = labels.exec(folded[i]!);
    if (!m) continue;
    const rest = lines[i]!.text.slice(m.index + m[0].length);
    const value = take(rest);
    if (value) return { value, line: i };
  }
  return null;
}

const MONTHS_EN = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 100) y += 2000;
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function findDate(folded: string[]): Found | null {
  // "Hà Nội, ngày 12 tháng 3 năm 2026" (the letter's own date line) first.
  for (let i = 0; i < folded.length; i++) {
    const m = /ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})/.exec(folded[i]!);
    const v = m && isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
    if (v) return { value: v, line: i };
  }
  for (let i = 0; i < folded.length; i++) {
    const m = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/.exec(folded[i]!);
    const v = m && isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
    if (v) return { value: v, line: i };
  }
  for (let i = 0; i < folded.length; i++) {
    const m = new RegExp(`\\b(${MONTHS_EN.join('|')})\\s+(\\d{1,2}),?\\s+(\\d{4})\\b`).exec(folded[i]!);
    const v = m && isoDate(Number(m[3]), MONTHS_EN.indexOf(m[1]!) + 1, Number(m[2]));
    if (v) return { value: v, line: i };
  }
  return null;
}

export function extractFields(lines: readonly InputLine[], opts: ExtractionOptions = {}): ExtractedFields {
  const threshold = opts.lowConfidenceBelow ?? 80;
  const own = (opts.ownDomains ?? []).map((d) => d.toLowerCase());
  const ownPhones = new Set((opts.ownPhones ?? []).map(digits));
  const ls = lines.map((l) => ({ text: l.text.normalize('NFC'), confidence: l.confidence }));
  const folded = ls.map((l) => foldAligned(l.text));
  // Lines addressed to the company ("Kính gửi: Công ty …") describe the recipient, not the sender.
  const toCompany = folded.map((f) => /^\s*(kinh gui|kinh thua|gui|to|dear)\b/.test(f));
  const isOwnDomain = (d: string) => own.some((o) => d.toLowerCase() === o || d.toLowerCase().endsWith(`.${o}`));

  const found: Partial<Record<PostalFieldName, Found>> = {};

  found.senderName =
    labelled(
      folded,
      ls,
      /\b(toi ten la|toi la|ho va ten|ho ten|ten khach hang|nguoi gui|nguoi khieu nai|my name is|full name)\s*:?\s*|\bname\s*:\s*/,
      takeName,
    ) ??
    signatureName(folded, ls) ??
    undefined;

  found.address =
    labelled(
      folded,
      ls,
      /\b(dia chi lien he|dia chi lien lac|dia chi thu tin|dia chi(?!\s*(email|e-mail|thu dien tu|mail))|tru tai|ngu tai|cu tru tai|address(?!\s*email))\s*:?\s*/,
      (rest) => {
        const v = cleanValue(rest);
        return v.length >= 6 ? v : null;
      },
    ) ?? undefined;

  const phoneIn = (text: string): string | null => {
    const m = PHONE.exec(text);
    if (!m) return null;
    return ownPhones.has(digits(m[0])) ? null : m[0].trim();
  };
  found.phone =
    labelled(folded, ls, /\b(so dien thoai|dien thoai|sdt|dt|di dong|tel|phone|mobile)\b\s*[:.]?\s*/, phoneIn) ??
    firstMatch(ls, (t, i) => (toCompany[i] ? null : phoneIn(t))) ??
    undefined;

  found.email =
    firstMatch(ls, (t, i) => {
      if (toCompany[i]) return null;
      const m = EMAIL.exec(t);
      return m && !isOwnDomain(m[0].split('@')[1]!) ? m[0] : null;
    }) ?? undefined;

  found.customerId =
    labelled(folded, ls, /\b(ma khach hang|ma kh|ma so khach hang|customer id|customer number|client id)\b\s*[:.]?\s*/, (rest) => {
      const m = /^[\s:]*([A-Za-z0-9][A-Za-z0-9._/-]{2,39})/.exec(rest);
      return m ? m[1]!.replace(/[.,;]$/, '') : null;
    }) ?? undefined;

  const domainIn = (text: string): string | null => {
    const withoutEmails = text.replace(EMAIL, ' ');
    const m = DOMAIN.exec(withoutEmails);
    return m && !isOwnDomain(m[1]!) ? m[1]!.toLowerCase() : null;
  };
  found.domain =
    labelled(folded, ls, /\b(ten mien|domain name|domain|website)\b\s*:?\s*/, domainIn) ??
    firstMatch(ls, (t, i) => (toCompany[i] ? null : domainIn(t))) ??
    undefined;

  found.letterDate = findDate(folded) ?? undefined;

  const out: ExtractedFields = {};
  for (const name of POSTAL_FIELD_NAMES) {
    const f = found[name];
    if (!f) continue;
    const confidence = ls[f.line]!.confidence;
    out[name] = { value: f.value, confidence, lowConfidence: confidence < threshold, line: f.line };
  }
  return out;
}

function firstMatch(lines: InputLine[], pick: (text: string, i: number) => string | null): Found | null {
  for (let i = 0; i < lines.length; i++) {
    const v = pick(lines[i]!.text, i);
    if (v) return { value: v, line: i };
  }
  return null;
}

/** The name under the closing ("Người viết đơn", "Trân trọng", "Sincerely"), the letter's last lines. */
function signatureName(folded: string[], lines: InputLine[]): Found | null {
  for (let i = folded.length - 1; i >= 0; i--) {
    if (!/(nguoi viet don|nguoi lam don|nguoi gui|tran trong|kinh thu|sincerely|yours faithfully|best regards)/.test(folded[i]!)) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 5); j++) {
      const text = lines[j]!.text.trim();
      const name = takeName(text);
      if (name && name.length >= text.replace(/[()]/g, '').length - 2) return { value: name, line: j };
    }
  }
  return null;
}
