import { Router } from 'express';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, DEPARTMENT_CODE_PATTERN, TRIAGE } from '@cg/contracts';
import { DeadlineError } from '@cg/calendar';
import type { CaseLifecycle, StaffTokenService } from '@cg/core';
import type { TrainingExampleRepository } from '@cg/db';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { staffActor } from './case-actions.routes';

const paramsSchema = z.object({ caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042') });

const extensionSchema = z
  .object({
    extraWorkingDays: z.number().int().min(1).max(60).optional(),
    newDueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
      .optional(),
    reason: z.string().trim().min(5, 'say why the case needs more time').max(2000),
  })
  .strict()
  .refine((b) => (b.extraWorkingDays === undefined) !== (b.newDueDate === undefined), {
    path: ['extraWorkingDays'],
    message: 'give exactly one of extraWorkingDays or newDueDate',
  });

const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 letters, digits or . _ : -')
  .optional();

const classificationSchema = z
  .object({
    department: z.string().regex(DEPARTMENT_CODE_PATTERN, 'a department code such as domain'),
    note: z.string().trim().max(1000).optional(),
  })
  .strict()
  .refine((b) => b.department !== TRIAGE, { path: ['department'], message: 'choose a department, not triage' });

/**
 * Staff actions that change a case: department corrections and deadline extensions, both
 * through the CaseLifecycle (which re-plans the deadline checks after an extension).
 */
export function caseWorkflowRoutes(deps: {
  tokens: StaffTokenService;
  lifecycle: Pick<CaseLifecycle, 'reclassify' | 'extend'>;
  trainingExamples: TrainingExampleRepository;
  departments: () => readonly string[];
}): Router {
  const router = Router();

  router.patch(
    '/:caseNumber/classification',
    apiDoc({
      summary: 'Correct the case’s department (becomes classifier training data)',
      params: paramsSchema,
      body: classificationSchema,
    }),
    requireStaff(deps.tokens, 'cases:classify'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(classificationSchema, req.body, 'body');
      if (!deps.departments().includes(body.department)) {
        throw new HttpProblem(400, 'validation_failed', 'Unknown department', undefined, [
          { field: 'department', code: 'invalid_value', message: `one of ${deps.departments().join(', ')}` },
        ]);
      }
      const staff = currentStaff(req);
      const { case: updated, changed } = await deps.lifecycle.reclassify(caseNumber, staffActor(staff), {
        department: body.department,
        ...(body.note ? { note: body.note } : {}),
      });
      if (changed) {
        const moved = updated.journal.at(-1)?.data as { from?: string } | undefined;
        await deps.trainingExamples.recordCorrection({
          caseNumber,
          text: [updated.subject, updated.bodyText].filter(Boolean).join('\n'),
          department: body.department,
          predicted: moved?.from ?? updated.department,
          correctedBy: staff.email,
          correctedAt: new Date(),
        });
      }
      res.json({ caseNumber, department: updated.department, status: updated.status, classification: updated.classification });
    },
  );

  router.post(
    '/:caseNumber/extensions',
    apiDoc({
      summary: 'Extend the target deadline (never past the legal cap)',
      params: paramsSchema,
      body: extensionSchema,
      // A retry with the same key (say after a 503) is the same extension: made once, its checks planned.
      headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    }),
    requireStaff(deps.tokens, 'deadlines:extend'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(extensionSchema, req.body, 'body');
      const clientKey = parseRequest(idempotencyKeySchema, req.get('idempotency-key') ?? undefined, 'body');
      const staff = currentStaff(req);
      try {
        const { case: updated } = await deps.lifecycle.extend(caseNumber, staffActor(staff), {
          ...(body.extraWorkingDays !== undefined ? { extraWorkingDays: body.extraWorkingDays } : { newDueDate: body.newDueDate! }),
          reason: body.reason,
          ...(clientKey ? { key: `extension:${clientKey}` } : {}),
        });
        res.json({ caseNumber, deadlines: updated.deadlines });
      } catch (err) {
        if (err instanceof DeadlineError) {
          const field = body.newDueDate !== undefined ? 'newDueDate' : 'extraWorkingDays';
          throw new HttpProblem(422, err.code.toLowerCase(), 'Extension refused', err.message, [
            { field, code: err.code, message: err.message },
          ]);
        }
        throw err;
      }
    },
  );

  return router;
}
