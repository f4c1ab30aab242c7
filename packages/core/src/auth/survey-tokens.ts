import { SignedTokens } from './signed-tokens';

/** Its own audience: a survey link never passes a staff or visitor check, nor the other way round. */
const AUDIENCE = 'case-survey';

/** Which satisfaction survey a link answers: one per case and closing (`round` = the case's reopenCount). */
export interface SurveyLink {
  caseNumber: string;
  round: number;
  /** The closing the survey is about: the link's expiry counts from it. */
  closedAt: Date;
}

export type SurveyTokenCheck =
  { ok: true; caseNumber: string; round: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired'; caseNumber?: string };

/**
 * The satisfaction survey's link (issue 9, step 5): a signed token naming the case and its
 * closing round, valid for SURVEY_TTL_DAYS from the closing. No sign-in: holding the link is the
 * permission. The token is a pure function of (case, round, closing time), so every process that
 * signs it — the close that sends it, the console that shows it to an operator — gives the same
 * link. Single use and "a reopened case's old link is void" are decided by the case's state
 * (the lifecycle's `survey` action, under the case's lease), not by the token.
 */
export class SurveyTokenService {
  private readonly tokens: SignedTokens;

  constructor(
    secret: string | SignedTokens,
    private readonly ttlSeconds: number,
  ) {
    this.tokens = typeof secret === 'string' ? new SignedTokens(secret) : secret;
  }

  issue(link: SurveyLink): { token: string; expiresAt: Date } {
    return this.tokens.sign(
      { r: link.round },
      { subject: link.caseNumber, audience: AUDIENCE, ttlSeconds: this.ttlSeconds, issuedAt: link.closedAt },
    );
  }

  check(token: unknown): SurveyTokenCheck {
    const seen = this.tokens.inspect(token, AUDIENCE);
    if ('refused' in seen) {
      // An expired link is authentic (its signature was checked): it may name its case, for the page's language.
      return seen.refused === 'expired' && seen.subject
        ? { ok: false, reason: 'expired', caseNumber: seen.subject }
        : { ok: false, reason: seen.refused };
    }
    const { claims } = seen;
    const round: unknown = claims.r;
    if (typeof round !== 'number' || !Number.isInteger(round) || round < 0 || typeof claims.exp !== 'number') {
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, caseNumber: claims.sub, round, expiresAt: new Date(claims.exp * 1000) };
  }
}
