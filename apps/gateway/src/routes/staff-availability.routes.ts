import { Router } from 'express';
import { z } from 'zod';
import type { StaffTokenService } from '@cg/core';
import type { CaseRepository, DepartmentSettingsRepository, StaffAvailabilityRepository } from '@cg/db';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';

const bodySchema = z.object({ available: z.boolean({ error: 'true or false' }) }).strict();

/**
 * Automatic fair assignment (step 3): a member of department staff says whether they take
 * automatically assigned cases now (the console header's switch). Only the available members of a
 * department with auto-assignment on get cases, fewest open first, below the department's cap.
 * - GET /me/availability — my switch, and my department's settings.
 * - PUT /me/availability {available} — set it. Switching on asks for assignment of the cases
 *   already waiting in my department's queue (they were left there while nobody was available).
 */
export function staffAvailabilityRoutes(deps: {
  tokens: StaffTokenService;
  availability: Pick<StaffAvailabilityRepository, 'find' | 'set'>;
  settings: Pick<DepartmentSettingsRepository, 'settingsOf'>;
  cases: Pick<CaseRepository, 'list'>;
  /** Queues an auto-assign job for a waiting case (absent: nothing is re-queued). */
  requestAssignment?: (caseNumber: string, version: number) => Promise<void>;
}): Router {
  const router = Router();
  const guard = requireStaff(deps.tokens, 'assignment:availability');

  const departmentOf = (staff: ReturnType<typeof currentStaff>): string => {
    if (!staff.department)
      throw new HttpProblem(409, 'no_department', 'No department', 'your account has no department; ask an admin to set it');
    return staff.department;
  };

  router.get(
    '/me/availability',
    apiDoc({ summary: 'Whether I take automatically assigned cases now, and my department’s settings' }),
    guard,
    async (req, res) => {
      const staff = currentStaff(req);
      const department = departmentOf(staff);
      const [mine, settings] = await Promise.all([deps.availability.find(staff.staffId), deps.settings.settingsOf(department)]);
      res.json({ available: mine?.department === department && mine.available, department, ...settings });
    },
  );

  router.put(
    '/me/availability',
    apiDoc({ summary: 'Say whether I take automatically assigned cases now', body: bodySchema }),
    guard,
    async (req, res) => {
      const staff = currentStaff(req);
      const department = departmentOf(staff);
      const { available } = parseRequest(bodySchema, req.body ?? {}, 'body');
      await deps.availability.set({ staffId: staff.staffId, email: staff.email, department, available });
      const settings = await deps.settings.settingsOf(department);
      let queued = 0;
      if (available && settings.autoAssign && deps.requestAssignment) {
        const { items } = await deps.cases.list({ department, status: 'routed', ownerId: null }, { limit: 200, sort: 'deadline' });
        for (const c of items) {
          await deps.requestAssignment(c.caseNumber, (c as { version?: number }).version ?? 0);
          queued++;
        }
      }
      res.json({ available, department, ...settings, queued });
    },
  );

  return router;
}
