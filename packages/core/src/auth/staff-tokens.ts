import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { STAFF_ROLES, type StaffRole } from '@cg/contracts';

/** What a staff bearer token asserts. Roles are checked on the server on every request. */
export interface StaffPrincipal {
  staffId: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
}

const ISSUER = 'complaint-gateway';
const AUDIENCE = 'staff';

export class StaffTokenService {
  /**
   * A KeyObject made once: given a string, jsonwebtoken tries createPublicKey on every call
   * and falls back after an exception, which was the gateway's largest CPU cost per request.
   */
  private readonly secret: KeyObject;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(p: StaffPrincipal): { token: string; expiresAt: Date } {
    const token = jwt.sign({ email: p.email, name: p.name, role: p.role, ...(p.department ? { dept: p.department } : {}) }, this.secret, {
      algorithm: 'HS256',
      subject: p.staffId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: this.ttlSeconds,
    });
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  /** Returns the principal, or null for any invalid, expired or forged token. */
  verify(token: string): StaffPrincipal | null {
    try {
      const claims = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      }) as jwt.JwtPayload;
      const role = claims.role as StaffRole;
      if (typeof claims.sub !== 'string' || !STAFF_ROLES.includes(role)) return null;
      return {
        staffId: claims.sub,
        email: String(claims.email),
        name: String(claims.name),
        role,
        ...(typeof claims.dept === 'string' ? { department: claims.dept } : {}),
      };
    } catch {
      return null;
    }
  }
}
