import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { hashPassword, verifyPassword, type StaffTokenService } from '@cg/core';
import type { StaffUserRepository } from '@cg/db';
import type { RedisRateLimiter } from '@cg/queue';
import { HttpProblem, parseRequest, sendProblem } from '../http/problem';
import { SharedRateLimitStore } from '../http/shared-rate-limit-store';
import { currentStaff, requireStaff } from '../http/staff-auth';

const loginSchema = z.object({ email: z.email(), password: z.string().min(1).max(1024) }).strict();

export function authRoutes(deps: {
  staffUsers: StaffUserRepository;
  tokens: StaffTokenService;
  login: { limiter: RedisRateLimiter; perMinute: number };
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

  router.post('/login', loginLimiter, async (req, res) => {
    const { email, password } = parseRequest(loginSchema, req.body, 'body');
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
    const staff = {
      staffId: String(user._id),
      email: user.email,
      name: user.displayName,
      role: user.role,
      ...(user.department ? { department: user.department } : {}),
    };
    const { token, expiresAt } = deps.tokens.issue(staff);
    await deps.staffUsers.recordLogin(user._id, new Date());
    res.json({ token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), staff });
  });

  router.get('/me', requireStaff(deps.tokens, 'cases:read'), (req, res) => {
    res.json({ staff: currentStaff(req) });
  });

  return router;
}
