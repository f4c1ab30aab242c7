import jwt from 'jsonwebtoken';

/** What a visitor token asserts: this browser may read and write this one conversation. */
export interface VisitorPrincipal {
  visitorId: string;
  conversationId: string;
}

const ISSUER = 'complaint-gateway';
/** Distinct from the staff audience, so a visitor token never passes a staff check. */
const AUDIENCE = 'livechat-visitor';

/**
 * Signed visitor identity kept in the browser's storage: a reload or a new tab continues the
 * same conversation. HS256 with the gateway's token secret (shared by every gateway node).
 */
export class VisitorTokenService {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  issue(p: VisitorPrincipal): { token: string; expiresAt: Date } {
    const token = jwt.sign({ cid: p.conversationId }, this.secret, {
      algorithm: 'HS256',
      subject: p.visitorId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: this.ttlSeconds,
    });
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  /** The principal, or null for any invalid, expired, forged or staff token. */
  verify(token: unknown): VisitorPrincipal | null {
    if (typeof token !== 'string' || token.length > 2000) return null;
    try {
      const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
      if (typeof claims.sub !== 'string' || typeof claims.cid !== 'string') return null;
      return { visitorId: claims.sub, conversationId: claims.cid };
    } catch {
      return null;
    }
  }
}
