import type { LetterSigningConfig } from '@cg/config';
import type { StaffRole } from '@cg/contracts';
import type { AnswerLetterRef, CaseView } from '@cg/core';
import {
  LETTER_TEXTS,
  answerTemplate,
  guessLetterLanguage,
  loadOrCreateDevelopmentCertificate,
  parseAnswerDraft,
  readSigningCertificate,
  renderAnswerLetter,
  signPdf,
  type LetterLanguage,
} from '@cg/letters';
import type { FileStore } from '@cg/postal';

/** A signer's title when their account has none, by role and letter language. */
const DEFAULT_TITLES: Partial<Record<StaffRole, Record<LetterLanguage, string>>> = {
  supervisor: { vi: 'Trưởng bộ phận Chăm sóc khách hàng', en: 'Head of Customer Care' },
  admin: { vi: 'Giám đốc', en: 'Director' },
  cs_agent: { vi: 'Chuyên viên Chăm sóc khách hàng', en: 'Customer Care Officer' },
};

export function defaultTitle(role: StaffRole, language: LetterLanguage): string {
  return DEFAULT_TITLES[role]?.[language] ?? (language === 'vi' ? 'Cán bộ phụ trách' : 'Officer in charge');
}

/** The case's text the language is guessed from, and the complaint's summary for the letter and template. */
function complaintText(c: CaseView): string {
  return [c.subject, c.bodyText].filter(Boolean).join('\n');
}

function complaintSummary(c: CaseView): string {
  const body = c.bodyText.replace(/\s+/g, ' ').trim();
  const short = body.length > 600 ? `${body.slice(0, 600)}…` : body;
  const asked = c.verification?.customerRequest;
  return [c.subject, short, asked ? `(${asked})` : undefined].filter(Boolean).join(' — ');
}

/**
 * Written answers as signed PDF letters (issue 9, step 4): the draft template, and at approval
 * (or at delivery of a written answer that has none) the letter rendered with `@cg/letters`,
 * signed with the company certificate, and stored content-addressed (its SHA-256 names it; the
 * case records the SHA-256 through the lifecycle). Outside production without a certificate the
 * development certificate is used (see @cg/letters dev-certificate.ts for why).
 */
export class AnswerLetters {
  private certificate?: { p12: Buffer; passphrase: string; kind: AnswerLetterRef['certificate'] };

  constructor(
    private readonly config: LetterSigningConfig,
    private readonly files: FileStore,
  ) {}

  languageOf(c: CaseView): LetterLanguage {
    return guessLetterLanguage(complaintText(c));
  }

  /** The prefilled draft for customer support. */
  template(c: CaseView, now: Date): { language: LetterLanguage; text: string } {
    const language = this.languageOf(c);
    const r = c.report;
    return {
      language,
      text: answerTemplate({
        language,
        caseNumber: c.caseNumber,
        customerName: c.customer?.name ?? (language === 'vi' ? 'Quý khách' : 'Customer'),
        receivedAt: new Date(c.receivedAt),
        answeredAt: now,
        complaintSummary: complaintSummary(c),
        ...(r ? { findings: r.findings, cause: r.cause, remedy: r.remedy } : {}),
        ...(r?.tellCustomer ? { tellCustomer: r.tellCustomer } : {}),
        hotline: this.config.LETTER_COMPANY_HOTLINE,
        email: this.config.LETTER_COMPANY_EMAIL,
        companyName: this.config.LETTER_COMPANY_NAME,
      }),
    };
  }

  /** Renders, signs and stores the letter of the case's current draft, signed off by `signer`. */
  async issue(c: CaseView, signer: { name: string; role: StaffRole; title?: string }, now: Date): Promise<AnswerLetterRef> {
    const answer = c.answer;
    if (!answer) throw new Error(`case ${c.caseNumber} has no answer`);
    const language = this.languageOf(c);
    // The approved draft's own sections when it follows the template; else the draft is the findings.
    const sections = parseAnswerDraft(answer.text) ?? {
      summary: complaintSummary(c),
      findings: answer.text,
      cause: c.report?.cause ?? '—',
      remedy: c.report?.remedy ?? '—',
    };
    const title = signer.title?.trim() || defaultTitle(signer.role, language);
    const pdf = await renderAnswerLetter({
      language,
      company: {
        name: this.config.LETTER_COMPANY_NAME,
        address: this.config.LETTER_COMPANY_ADDRESS,
        hotline: this.config.LETTER_COMPANY_HOTLINE,
        email: this.config.LETTER_COMPANY_EMAIL,
        city: this.config.LETTER_CITY,
      },
      caseNumber: c.caseNumber,
      receivedAt: new Date(c.receivedAt),
      customer: {
        name: c.customer?.name ?? (language === 'vi' ? 'Quý khách' : 'Customer'),
        ...(c.customer?.email ? { email: c.customer.email } : {}),
        ...(c.customer?.phone ? { phone: c.customer.phone } : {}),
      },
      answeredAt: now,
      complaintSummary: sections.summary,
      findings: sections.findings,
      cause: sections.cause,
      remedy: sections.remedy,
      ...(sections.further ? { furtherSteps: sections.further } : {}),
      signer: { name: signer.name, title, signedAt: now },
    });
    const cert = this.signingCertificate();
    const signed = await signPdf(pdf, {
      p12: cert.p12,
      passphrase: cert.passphrase,
      reason: LETTER_TEXTS[language].answer.subject(c.caseNumber),
      location: this.config.LETTER_CITY,
      signerName: signer.name,
      contactInfo: this.config.LETTER_COMPANY_EMAIL,
      signingTime: now,
    });
    const sha256 = await this.files.put(signed);
    return { sha256, bytes: signed.length, certificate: cert.kind, signer: { name: signer.name, title }, renderedAt: now };
  }

  /** The stored letter's bytes, or null. */
  read(sha256: string): Promise<Buffer | null> {
    return this.files.get(sha256);
  }

  private signingCertificate() {
    if (!this.certificate) {
      const company = readSigningCertificate(this.config);
      // @cg/config refuses to start production without LETTER_SIGNING_*: this branch is development only.
      this.certificate = company
        ? { ...company, kind: 'company' }
        : { ...loadOrCreateDevelopmentCertificate(this.config.LETTER_DEV_CERT_PATH), kind: 'development' };
    }
    return this.certificate;
  }
}
