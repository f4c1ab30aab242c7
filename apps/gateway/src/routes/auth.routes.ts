import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { hashPassword, verifyPassword, type StaffAccounts, type StaffTokenService } from '@cg/core';
import type { StaffUserRepository } from '@cg/db';
import type { RedisRateLimiter } from '@cg/queue';
import { HttpProblem, parseRequest, sendProblem } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { SharedRateLimitStore } from '../http/shared-rate-limit-store';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { sameOriginOnly, type ConsoleSessions } from '../http/console-session';

const loginSchema = z.object({ email: z.email(), password: z.string().min(1).max(1024) }).strict();
/** A console session opens from the bearer token the console already holds, or from e-mail and password. */
const sessionSchema = z.union([loginSchema, z.object({}).strict()]);
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

export function authRoutes(deps: {
  staffUsers: StaffUserRepository;
  tokens: StaffTokenService;
  /** Records the sign-in under the account's lease (absent: written directly, as before). */
  accounts?: Pick<StaffAccounts, 'recordLogin'>;
  login: { limiter: RedisRateLimiter; perMinute: number };
  /** Browser sessions for server-rendered pages (Bull Board); absent: no session routes. */
  sessions?: ConsoleSessions;
}): Router {
  const router = Router();
  // Compared against when the e-mail is unknown, so both cases take the same time.
  const decoyHash = hashPassword('decoy-password-never-used');

  // Counted in Redis for every gateway node together; without Redis, sign-in answers 503
  // (fail closed, see SharedRateLimitStore) rather than allowing unlimited password guesses.
  const loginLimiter = rateLimit({
    windowMs: 60_000,
    limit: deps.login.perMinute,
    store: new SharedRateLimitStore(deps.login.limiter, 'login'),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendProblem(
        res,
        new HttpProblem(429, 'rate_limited', 'Too many sign-in attempts', 'wait a minute and try again', undefined, {
          'Retry-After': '60',
        }),
      ),
  });

  const signIn = async (email: string, password: string) => {
    const user = await deps.staffUsers.findByEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash), password);
    if (!user || !ok || !user.active) {
      throw new HttpProblem(
        401,
        'invalid_credentials',
        'Wrong e-mail or password',
        'check the e-mail and password; accounts are created by an admin',
      );
    }
    if (deps.accounts) await deps.accounts.recordLogin(String(user._id), new Date());
    else await deps.staffUsers.recordLogin(user._id, new Date());
    return {
      staffId: String(user._id),
      email: user.email,
      name: user.displayName,
      role: user.role,
      ...(user.department ? { department: user.department } : {}),
      // Tokens carry it; a later disable, role or department change or password reset revokes them.
      ...(user.tokenVersion ? { tokenVersion: user.tokenVersion } : {}),
    };
  };

  router.post(
    '/login',
    apiDoc({ summary: 'Sign in: a staff bearer token (8 h)', auth: 'public', body: loginSchema }),
    loginLimiter,
    async (req, res) => {
      const { email, password } = parseRequest(loginSchema, req.body, 'body');
      const staff = await signIn(email, password);
      const { token, expiresAt } = deps.tokens.issue(staff);
      res.json({ token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), staff });
    },
  );

  router.get('/me', apiDoc({ summary: 'Who the token belongs to' }), requireStaff(deps.tokens, 'cases:read'), (req, res) => {
    res.json({ staff: currentStaff(req) });
  });

  const sessions = deps.sessions;
  if (sessions) {
    router.post(
      '/session',
      apiDoc({
        summary: 'Open a console session (HttpOnly cookie) from the bearer token or e-mail and password',
        description: 'For the server-rendered staff pages (the queue dashboard at /admin/queues).',
        auth: 'public',
        body: sessionSchema,
        responses: { 201: 'Session opened; the cookie is set' },
      }),
      loginLimiter,
      async (req, res) => {
        const body = parseRequest(sessionSchema, req.body ?? {}, 'body');
        const bearer = BEARER.exec(req.get('authorization') ?? '');
        const staff =
          'email' in body ? await signIn(body.email, body.password) : bearer ? await deps.tokens.verifyCurrent(bearer[1]!) : null;
        if (!staff) {
          throw new HttpProblem(
            401,
            'unauthenticated',
            'Sign-in required',
            'send Authorization: Bearer <token>, or {email, password}',
            undefined,
            {
              'WWW-Authenticate': 'Bearer realm="staff"',
            },
          );
        }
        const expiresAt = await sessions.open(res, staff);
        res.status(201).json({ expiresAt: expiresAt.toISOString(), idleTimeoutSeconds: sessions.ttlSeconds, staff });
      },
    );
    // Logout: the session is gone from Redis at once, on every gateway node.
    router.delete(
      '/session',
      apiDoc({ summary: 'Close the console session (same-origin only)', auth: 'console-session', responses: { 204: 'Closed' } }),
      async (req, res) => {
        sameOriginOnly(req);
        await sessions.revoke(req, res);
        res.status(204).end();
      },
    );
  }

  return router;
}
