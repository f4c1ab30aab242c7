import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

const ISSUER = 'complaint-gateway';

/**
 * HS256 tokens of one secret, for every kind of bearer (staff, livechat visitors). Each kind has
 * its own audience, so a token of one kind never passes the check of another.
 */
export class SignedTokens {
  /**
   * A KeyObject made once: given a string, jsonwebtoken tries createPublicKey on every call
   * and falls back after an exception, which was the gateway's largest CPU cost per request.
   */
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(
    claims: Record<string, unknown>,
    opts: {
      subject: string;
      audience: string;
      ttlSeconds: number;
      /** Issue as of this moment (default now): the expiry counts from it, and equal inputs give the same token. */
      issuedAt?: Date;
    },
  ): { token: string; expiresAt: Date } {
    const iat = opts.issuedAt ? Math.floor(opts.issuedAt.getTime() / 1000) : undefined;
    const token = jwt.sign(iat === undefined ? claims : { ...claims, iat }, this.key, {
      algorithm: 'HS256',
      subject: opts.subject,
      issuer: ISSUER,
      audience: opts.audience,
      expiresIn: opts.ttlSeconds,
    });
    return { token, expiresAt: new Date((iat === undefined ? Date.now() : iat * 1000) + opts.ttlSeconds * 1000) };
  }

  /** The claims (with a string `sub`), or null for any invalid, expired, forged or other-audience token. */
  verify(token: unknown, audience: string): (jwt.JwtPayload & { sub: string }) | null {
    if (typeof token !== 'string' || token.length > 4096) return null;
    try {
      const claims = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience }) as jwt.JwtPayload;
      return typeof claims.sub === 'string' ? (claims as jwt.JwtPayload & { sub: string }) : null;
    } catch {
      return null;
    }
  }

  /**
   * Like verify(), but says why a token is refused: `expired` (authentic, past its expiry: the
   * signature is checked first, so a forged token is never `expired`) or `invalid`.
   */
  inspect(
    token: unknown,
    audience: string,
  ): { claims: jwt.JwtPayload & { sub: string } } | { refused: 'invalid' } | { refused: 'expired'; subject?: string } {
    const claims = this.verify(token, audience);
    if (claims) return { claims };
    if (typeof token !== 'string' || token.length > 4096) return { refused: 'invalid' };
    try {
      jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience });
      return { refused: 'invalid' };
    } catch (err) {
      if (!(err instanceof jwt.TokenExpiredError)) return { refused: 'invalid' };
      // jsonwebtoken checks the expiry before the audience: an expired token of another kind is invalid here.
      const payload = jwt.decode(token, { json: true });
      if (payload?.aud !== audience || payload.iss !== ISSUER) return { refused: 'invalid' };
      return typeof payload.sub === 'string' ? { refused: 'expired', subject: payload.sub } : { refused: 'expired' };
    }
  }
}
