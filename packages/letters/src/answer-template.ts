import { vnDay } from './dates';
import { type LetterLanguage } from './input';
import { LETTER_TEXTS } from './texts';

/**
 * The answer's draft template (step 4): the letter's own sections, prefilled from the case and
 * the department's report, in the customer's language. Customer support edits it; on approval
 * the sections are read back (`parseAnswerDraft`) into the signed letter, so the letter says what
 * the supervisor approved. Headings are the letter's (LETTER_TEXTS), so there is one wording.
 */
export interface AnswerTemplateInput {
  language: LetterLanguage;
  caseNumber: string;
  customerName: string;
  receivedAt: Date;
  answeredAt: Date;
  complaintSummary: string;
  findings?: string;
  cause?: string;
  remedy?: string;
  /** Something the department asked customer support to tell the customer. */
  tellCustomer?: string;
  hotline: string;
  email: string;
  companyName: string;
}

const TEMPLATE_TEXTS: Record<
  LetterLanguage,
  { greeting(name: string): string; answeredOn(day: string): string; missing: string; signOff: string }
> = {
  vi: {
    greeting: (name) => `Kính gửi Quý khách ${name},`,
    answeredOn: (day) => `Ngày trả lời: ${day}.`,
    missing: '[Bộ phận xử lý chưa báo cáo: bổ sung trước khi gửi]',
    signOff: 'Trân trọng.',
  },
  en: {
    greeting: (name) => `Dear ${name},`,
    answeredOn: (day) => `Date of this answer: ${day}.`,
    missing: '[Not reported by the department yet: fill in before sending]',
    signOff: 'Yours sincerely.',
  },
};

/** Whether the draft still holds a "not reported yet" marker of the template (never signed as is). */
export function hasUnfilledSections(text: string): boolean {
  return Object.values(TEMPLATE_TEXTS).some((t) => text.includes(t.missing));
}

/** The five section headings, in letter order, for a language. */
function headings(language: LetterLanguage) {
  const a = LETTER_TEXTS[language].answer;
  return { summary: a.summary, findings: a.findings, cause: a.cause, remedy: a.remedy, further: a.further } as const;
}

export function answerTemplate(i: AnswerTemplateInput): string {
  const t = TEMPLATE_TEXTS[i.language];
  const letter = LETTER_TEXTS[i.language];
  const h = headings(i.language);
  const day = (d: Date) => letter.date(vnDay(d));
  const remedy = [i.remedy?.trim() || t.missing, i.tellCustomer?.trim()].filter(Boolean).join('\n');
  return [
    t.greeting(i.customerName),
    '',
    letter.answer.opening(i.companyName, i.caseNumber, day(i.receivedAt)),
    // The opening carries the day of receipt; this line the day of the answer.
    t.answeredOn(day(i.answeredAt)),
    '',
    h.summary,
    i.complaintSummary.trim(),
    '',
    h.findings,
    i.findings?.trim() || t.missing,
    '',
    h.cause,
    i.cause?.trim() || t.missing,
    '',
    h.remedy,
    remedy,
    '',
    h.further,
    letter.answer.defaultFurther({ hotline: i.hotline, email: i.email, caseNumber: i.caseNumber }),
    '',
    t.signOff,
  ].join('\n');
}

export interface AnswerDraftSections {
  summary: string;
  findings: string;
  cause: string;
  remedy: string;
  further?: string;
}

/**
 * The sections of a draft written from the template (its headings on their own lines, in either
 * language); null when the draft does not carry the four required headings (free text).
 */
export function parseAnswerDraft(text: string): AnswerDraftSections | null {
  const lines = text.normalize('NFC').replace(/\r\n?/g, '\n').split('\n');
  for (const language of ['vi', 'en'] as const) {
    const h = headings(language);
    const keys = Object.keys(h) as Array<keyof typeof h>;
    const at = new Map<keyof typeof h, number>();
    lines.forEach((line, n) => {
      const key = keys.find((k) => h[k] === line.trim());
      if (key && !at.has(key)) at.set(key, n);
    });
    if (!(['summary', 'findings', 'cause', 'remedy'] as const).every((k) => at.has(k))) continue;
    const starts = [...at.values()].sort((a, b) => a - b);
    const section = (k: keyof typeof h): string | undefined => {
      const start = at.get(k);
      if (start === undefined) return undefined;
      const end = starts.find((s) => s > start) ?? lines.length;
      let body = lines.slice(start + 1, end);
      // The last section runs to the sign-off: drop a trailing "Trân trọng." / "Yours sincerely." line.
      if (end === lines.length) body = body.filter((l) => !/^(Trân trọng\.?|Yours sincerely\.?)$/.test(l.trim()));
      return body.join('\n').trim() || undefined;
    };
    const summary = section('summary');
    const findings = section('findings');
    const cause = section('cause');
    const remedy = section('remedy');
    if (!summary || !findings || !cause || !remedy) return null;
    const further = section('further');
    return { summary, findings, cause, remedy, ...(further ? { further } : {}) };
  }
  return null;
}

const VI_LETTERS = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/giu;
const EN_WORDS = new Set(['the', 'and', 'is', 'my', 'not', 'please', 'i', 'you', 'it', 'was', 'have', 'to', 'of', 'for', 'with', 'since']);
const VI_PLAIN_WORDS = new Set(['khong', 'duoc', 'cua', 'toi', 'va', 'la', 'em', 'anh', 'chi', 'bi', 'loi', 'ten', 'mien', 'da', 'nhung']);

/**
 * The customer's language, by a plain check of the complaint's text: Vietnamese letters (ă, ơ,
 * tone marks) or common unaccented Vietnamese words → `vi`; common English words → `en`.
 * Vietnamese when unsure (the reference customer's default).
 */
export function guessLetterLanguage(text: string): LetterLanguage {
  const words =
    text
      .toLowerCase()
      .normalize('NFC')
      .match(/\p{L}+/gu) ?? [];
  if (words.length === 0) return 'vi';
  const viLetters = (text.match(VI_LETTERS) ?? []).length;
  if (viLetters >= 3 || viLetters / words.length > 0.1) return 'vi';
  const en = words.filter((w) => EN_WORDS.has(w)).length;
  const vi = words.filter((w) => VI_PLAIN_WORDS.has(w)).length;
  return en >= 2 && en > vi ? 'en' : 'vi';
}
