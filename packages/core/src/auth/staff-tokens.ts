import { STAFF_ROLES, type StaffRole } from '@cg/contracts';
import { SignedTokens } from './signed-tokens';

/** What a staff bearer token asserts. Roles are checked on the server on every request. */
export interface StaffPrincipal {
  staffId: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
  /**
   * The account's token version when the token was issued (claim `tv`; absent in tokens issued
   * before versions existed, read as 0). Disabling the account, changing its role or department
   * or resetting its password bumps the stored version, so every older token stops working.
   */
  tokenVersion?: number;
}

/**
 * Whether the account behind a verified token is still as the token says (enabled, same token
 * version). The gateway's StaffAccountStatusCache answers it; without one, a valid signature suffices.
 */
export type StaffAccountCheck = (principal: StaffPrincipal) => Promise<boolean>;

const AUDIENCE = 'staff';
/** Verified tokens remembered at most (staff are few; a full memory forgets its oldest entry). */
const VERIFIED_MAX = 5000;

export class StaffTokenService {
  private readonly tokens: SignedTokens;
  /**
   * Tokens whose signature, issuer, audience and claims were checked, by their exact text (the
   * signature is part of it), each until its expiry: the HMAC and the JSON decoding of a console's
   * token are done once, not on every request. Only what the token itself proves is remembered;
   * whether its account is still enabled with the same token version (isCurrent) is asked on
   * every request as before. A token that fails is never remembered (forged ones cannot fill it).
   */
  private readonly verified = new Map<string, { principal: StaffPrincipal; expiresAtMs: number }>();

  constructor(
    secret: string | SignedTokens,
    private readonly ttlSeconds: number,
    private readonly accountCheck?: StaffAccountCheck,
  ) {
    this.tokens = typeof secret === 'string' ? new SignedTokens(secret) : secret;
  }

  issue(p: StaffPrincipal): { token: string; expiresAt: Date } {
    return this.tokens.sign(
      {
        email: p.email,
        name: p.name,
        role: p.role,
        ...(p.department ? { dept: p.department } : {}),
        ...(p.tokenVersion ? { tv: p.tokenVersion } : {}),
      },
      { subject: p.staffId, audience: AUDIENCE, ttlSeconds: this.ttlSeconds },
    );
  }

  /** Returns the principal, or null for any invalid, expired or forged token. */
  verify(token: string): StaffPrincipal | null {
    const known = typeof token === 'string' ? this.verified.get(token) : undefined;
    if (known) {
      // As jsonwebtoken decides: expired once the current second reaches `exp`.
      if (Math.floor(Date.now() / 1000) * 1000 < known.expiresAtMs) return { ...known.principal };
      this.verified.delete(token);
      return null;
    }
    const claims = this.tokens.verify(token, AUDIENCE);
    const role = claims?.role as StaffRole;
    if (!claims || !STAFF_ROLES.includes(role)) return null;
    const principal: StaffPrincipal = {
      staffId: claims.sub,
      email: String(claims.email),
      name: String(claims.name),
      role,
      ...(typeof claims.dept === 'string' ? { department: claims.dept } : {}),
      ...(typeof claims.tv === 'number' && Number.isInteger(claims.tv) && claims.tv > 0 ? { tokenVersion: claims.tv } : {}),
    };
    // Remembered only when its validity is its expiry alone (no not-before claim).
    if (typeof claims.exp === 'number' && claims.nbf === undefined) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { principal, expiresAtMs: claims.exp * 1000 });
    }
    return { ...principal };
  }

  /** The account is still enabled and its token version unchanged (always true without an account check). */
  isCurrent(principal: StaffPrincipal): Promise<boolean> {
    return this.accountCheck ? this.accountCheck(principal) : Promise.resolve(true);
  }

  /**
   * verify() plus the account check: null for an invalid or expired token, and for the token of
   * a disabled account or of one whose role, department or password changed since it was issued.
   */
  async verifyCurrent(token: string): Promise<StaffPrincipal | null> {
    const principal = this.verify(token);
    return principal && (await this.isCurrent(principal)) ? principal : null;
  }
}
