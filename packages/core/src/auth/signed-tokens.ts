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
    opts: { subject: string; audience: string; ttlSeconds: number },
  ): { token: string; expiresAt: Date } {
    const token = jwt.sign(claims, this.key, {
      algorithm: 'HS256',
      subject: opts.subject,
      issuer: ISSUER,
      audience: opts.audience,
      expiresIn: opts.ttlSeconds,
    });
    return { token, expiresAt: new Date(Date.now() + opts.ttlSeconds * 1000) };
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
}
