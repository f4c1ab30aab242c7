import { Router } from 'express';
import { z } from 'zod';
import { computeDeadlines, OFFICIAL_SCHEDULES, safeParseOfficialSchedule, type DeadlinePolicy } from '@cg/calendar';
import type { CalendarProvider, StaffTokenService } from '@cg/core';
import type { CalendarScheduleRepository } from '@cg/db';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';

const deadlineQuerySchema = z.object({ receivedAt: z.iso.datetime({ offset: true }) }).strict();

export function calendarRoutes(deps: {
  tokens: StaffTokenService;
  calendars: CalendarProvider;
  schedules: CalendarScheduleRepository;
  policy: DeadlinePolicy;
}): Router {
  const router = Router();

  /** Both deadlines of a complaint received at `receivedAt`, with every skipped day and why. */
  router.get(
    '/deadline',
    apiDoc({ summary: 'Both deadlines of a complaint received at a time, with every skipped day and why', query: deadlineQuerySchema }),
    requireStaff(deps.tokens, 'cases:read'),
    (req, res) => {
      const { receivedAt } = parseRequest(deadlineQuerySchema, req.query, 'query');
      const r = computeDeadlines(new Date(receivedAt), deps.policy, deps.calendars.current());
      res.json({
        receivedAt: r.receivedAt,
        receivedDate: r.receivedDate,
        policy: r.policy,
        target: r.target,
        cap: r.cap,
        explanation: r.explanation,
      });
    },
  );

  /** The schedules in force (newest version per year) and every stored version. */
  router.get(
    '/schedules',
    apiDoc({ summary: 'Official holiday schedules: shipped and loaded by admins' }),
    requireStaff(deps.tokens, 'cases:read'),
    async (_req, res) => {
      const stored = await deps.schedules.all();
      res.json({
        inForce: deps.calendars.current().schedules(),
        shipped: OFFICIAL_SCHEDULES,
        loaded: stored.map((s) => ({ ...s.schedule, loadedBy: s.loadedBy, loadedAt: s.loadedAt })),
      });
    },
  );

  /** An admin loads an official schedule; it becomes the next version of its year. */
  router.post(
    '/schedules',
    apiDoc({
      summary: 'Load an official holiday schedule (a year)',
      body: {
        contentType: 'application/json',
        description: 'an official schedule (year, holidays, make-up working days); checked by @cg/calendar',
      },
      responses: { 201: 'Stored' },
    }),
    requireStaff(deps.tokens, 'calendar:manage'),
    async (req, res) => {
      const raw: unknown = req.body;
      const body = typeof raw === 'object' && raw !== null ? { version: 1, ...raw } : raw;
      const parsed = safeParseOfficialSchedule(body);
      if (!parsed.ok) {
        throw new HttpProblem(
          400,
          'validation_failed',
          'Invalid schedule',
          `Fix these fields: ${parsed.issues.map((i) => i.path).join(', ')}`,
          parsed.issues.map((i) => ({ field: i.path || '(body)', code: 'invalid', message: i.message })),
        );
      }
      const { version: _ignored, ...schedule } = parsed.value;
      const shipped = OFFICIAL_SCHEDULES.find((s) => s.year === schedule.year)?.version ?? 0;
      const stored = await deps.schedules.addVersion(schedule, currentStaff(req).email, shipped);
      await deps.calendars.refresh();
      res.status(201).json({ ...stored.schedule, loadedBy: stored.loadedBy, loadedAt: stored.loadedAt });
    },
  );

  return router;
}
