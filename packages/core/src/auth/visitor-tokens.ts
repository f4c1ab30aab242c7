import { SignedTokens } from './signed-tokens';

/** What a visitor token asserts: this browser may read and write this one conversation. */
export interface VisitorPrincipal {
  visitorId: string;
  conversationId: string;
}

/** Distinct from the staff audience, so a visitor token never passes a staff check. */
const AUDIENCE = 'livechat-visitor';

/**
 * Signed visitor identity kept in the browser's storage: a reload or a new tab continues the
 * same conversation. HS256 with the gateway's token secret (shared by every gateway node).
 */
export class VisitorTokenService {
  private readonly tokens: SignedTokens;

  constructor(
    secret: string | SignedTokens,
    private readonly ttlSeconds: number,
  ) {
    this.tokens = typeof secret === 'string' ? new SignedTokens(secret) : secret;
  }

  issue(p: VisitorPrincipal): { token: string; expiresAt: Date } {
    return this.tokens.sign({ cid: p.conversationId }, { subject: p.visitorId, audience: AUDIENCE, ttlSeconds: this.ttlSeconds });
  }

  /** The principal, or null for any invalid, expired, forged or staff token. */
  verify(token: unknown): VisitorPrincipal | null {
    if (typeof token === 'string' && token.length > 2000) return null;
    const claims = this.tokens.verify(token, AUDIENCE);
    if (!claims || typeof claims.cid !== 'string') return null;
    return { visitorId: claims.sub, conversationId: claims.cid };
  }
}
