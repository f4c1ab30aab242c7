import { STAFF_ROLES, type StaffRole } from '@cg/contracts';
import { SignedTokens } from './signed-tokens';

/** What a staff bearer token asserts. Roles are checked on the server on every request. */
export interface StaffPrincipal {
  staffId: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
}

const AUDIENCE = 'staff';

export class StaffTokenService {
  private readonly tokens: SignedTokens;

  constructor(
    secret: string | SignedTokens,
    private readonly ttlSeconds: number,
  ) {
    this.tokens = typeof secret === 'string' ? new SignedTokens(secret) : secret;
  }

  issue(p: StaffPrincipal): { token: string; expiresAt: Date } {
    return this.tokens.sign(
      { email: p.email, name: p.name, role: p.role, ...(p.department ? { dept: p.department } : {}) },
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
    };
  }
}
