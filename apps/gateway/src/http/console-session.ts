import { createHash, randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { RedisClient } from '@cg/queue';
import { hasPermission, type Permission, type StaffAccountCheck, type StaffPrincipal } from '@cg/core';
import { HttpProblem } from './problem';

export const CONSOLE_SESSION_COOKIE = 'cg_console_session';

/**
 * Browser sessions for server-rendered staff pages (Bull Board at /admin/queues): a random id
 * in an HttpOnly, SameSite=Strict cookie; Redis holds the principal under the id's SHA-256 (a
 * copy of Redis holds no usable cookie), with a sliding TTL. Deleting the key revokes it on every node.
 */
export class ConsoleSessions {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly ttlSeconds: number,
    /** Secure cookie outside development (browsers accept it on http://localhost too). */
    private readonly secure: boolean,
    /** The account is still enabled and unchanged (token version): a revoked account's session ends with its tokens. */
    private readonly accountCheck?: StaffAccountCheck,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:console-session:${createHash('sha256').update(id).digest('hex')}`;
  }

  async open(res: Response, staff: StaffPrincipal): Promise<Date> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), JSON.stringify(staff), 'EX', this.ttlSeconds);
    res.cookie(CONSOLE_SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secure,
      path: '/',
      maxAge: this.ttlSeconds * 1000,
    });
    return new Date(Date.now() + this.ttlSeconds * 1000);
  }

  /** The session's principal, its TTL renewed (sliding); null when unknown, expired or revoked. */
  async current(req: Request): Promise<StaffPrincipal | null> {
    const id = sessionIdOf(req);
    if (!id) return null;
    const stored = await this.redis.getex(this.key(id), 'EX', this.ttlSeconds);
    const staff = stored ? (JSON.parse(stored) as StaffPrincipal) : null;
    if (staff && this.accountCheck && !(await this.accountCheck(staff))) {
      await this.redis.del(this.key(id));
      return null;
    }
    return staff;
  }

  async revoke(req: Request, res: Response): Promise<void> {
    const id = sessionIdOf(req);
    if (id) await this.redis.del(this.key(id));
    res.clearCookie(CONSOLE_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: this.secure, path: '/' });
  }
}

function sessionIdOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CONSOLE_SESSION_COOKIE) {
      const id = value.join('=');
      return /^[A-Za-z0-9_-]{43}$/.test(id) ? id : undefined;
    }
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF guard for requests a cookie authenticates: SameSite=Strict already keeps the cookie off
 * cross-site requests; on top, a state-changing request must come from our own origin (Origin
 * header equal to this host, or Sec-Fetch-Site: same-origin). Neither header → refused.
 */
export function sameOriginOnly(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.get('origin');
  const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
  const fetchSite = req.get('sec-fetch-site');
  const sameOrigin =
    origin !== undefined ? origin === ownOrigin && (fetchSite === undefined || fetchSite === 'same-origin') : fetchSite === 'same-origin';
  if (!sameOrigin) {
    throw new HttpProblem(403, 'cross_origin_refused', 'Cross-origin request refused', 'state-changing requests must come from this site');
  }
}

/**
 * Pages signed in by the console session cookie: 401 without a session (a browser asking for
 * HTML is sent to the console's sign-in instead), 403 without the permission or on a
 * cross-origin state-changing request.
 */
export function requireConsoleSession(sessions: ConsoleSessions, permission: Permission): RequestHandler {
  return (req, res, next) => {
    void (async () => {
      const staff = await sessions.current(req);
      if (!staff) {
        if (SAFE_METHODS.has(req.method) && req.accepts(['json', 'html']) === 'html') {
          return res.redirect(303, `/console/?next=${encodeURIComponent(req.originalUrl)}`);
        }
        throw new HttpProblem(401, 'unauthenticated', 'Sign-in required', 'open a console session: POST /api/v1/auth/session');
      }
      if (!hasPermission(staff.role, permission)) {
        throw new HttpProblem(403, 'forbidden', 'Not allowed for your role', `role ${staff.role} lacks permission ${permission}`);
      }
      sameOriginOnly(req);
      req.staff = staff;
      next();
    })().catch(next);
  };
}
