import type { Request, RequestHandler } from 'express';
import { hasPermission, type Permission, type StaffPrincipal, type StaffTokenService } from '@cg/core';
import { HttpProblem } from './problem';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffPrincipal;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** Every staff route: a valid bearer token (401) holding the permission (403), checked here on the server. */
export function requireStaff(tokens: StaffTokenService, permission: Permission): RequestHandler {
  const guard: RequestHandler = async (req, _res, next) => {
    req.staff = await authenticateStaff(tokens, req.headers.authorization, permission);
    next();
  };
  // The OpenAPI document and the authorization matrix read the permission a route asks for from here.
  return Object.assign(guard, { [GUARDED_BY]: permission });
}

const GUARDED_BY = Symbol.for('cg.requiredPermission');

/** The staff member an `Authorization` header proves, if they hold the permission; else the 401 or 403 problem. */
export async function authenticateStaff(
  tokens: StaffTokenService,
  authorization: string | undefined,
  permission: Permission,
): Promise<StaffPrincipal> {
  const match = BEARER.exec(authorization ?? '');
  const principal = match ? tokens.verify(match[1]!) : null;
  if (!principal) throw unauthenticated('send a valid staff token: Authorization: Bearer <token> (POST /api/v1/auth/login)');
  // The account may have been disabled or changed (role, department, password) since the token was issued.
  if (!(await tokens.isCurrent(principal))) {
    throw unauthenticated('this sign-in was revoked (account disabled or changed by an admin): sign in again');
  }
  if (!hasPermission(principal.role, permission)) {
    throw new HttpProblem(403, 'forbidden', 'Not allowed for your role', `role ${principal.role} lacks permission ${permission}`);
  }
  return principal;
}

/** The permission a `requireStaff()` guard asks for (undefined for any other handler). */
export function permissionOf(handler: unknown): Permission | undefined {
  return typeof handler === 'function' ? (handler as { [GUARDED_BY]?: Permission })[GUARDED_BY] : undefined;
}

function unauthenticated(detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthenticated', 'Sign-in required', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="staff"' });
}

export function currentStaff(req: Request): StaffPrincipal {
  if (!req.staff) throw new Error('requireStaff() must run before this handler');
  return req.staff;
}
