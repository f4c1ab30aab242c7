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

export class StaffTokenService {
  private readonly tokens: SignedTokens;

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
    const claims = this.tokens.verify(token, AUDIENCE);
    const role = claims?.role as StaffRole;
    if (!claims || !STAFF_ROLES.includes(role)) return null;
    return {
      staffId: claims.sub,
      email: String(claims.email),
      name: String(claims.name),
      role,
      ...(typeof claims.dept === 'string' ? { department: claims.dept } : {}),
      ...(typeof claims.tv === 'number' && Number.isInteger(claims.tv) && claims.tv > 0 ? { tokenVersion: claims.tv } : {}),
    };
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
