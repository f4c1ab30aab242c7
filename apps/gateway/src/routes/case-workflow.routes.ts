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
import { idempotencyKeyHeaders, idempotencyKeyOf } from '../http/idempotency-key';

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
  lifecycle: Pick<CaseLifecycle, 'reclassify' | 'extend' | 'get'>;
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
      headers: idempotencyKeyHeaders,
    }),
    requireStaff(deps.tokens, 'deadlines:extend'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(extensionSchema, req.body, 'body');
      const clientKey = idempotencyKeyOf(req);
      const staff = currentStaff(req);
      // As for replies: the same key is the same extension (made once); the key with another request is 422.
      const key = clientKey ? `extension:${clientKey}` : undefined;
      const request = JSON.stringify([body.extraWorkingDays ?? null, body.newDueDate ?? null, body.reason]);
      if (key) {
        const earlier = (await deps.lifecycle.get(caseNumber, staffActor(staff))).journal.find(
          (j) => (j.data as { key?: unknown } | undefined)?.key === key,
        );
        const asked = (earlier?.data as { request?: unknown } | undefined)?.request;
        if (earlier && asked !== undefined && asked !== request)
          throw new HttpProblem(
            422,
            'idempotency_key_reused',
            'Idempotency-Key already used for another extension',
            `the key ${clientKey} was used for a different extension of case ${caseNumber}; use a new key for a new extension`,
          );
      }
      try {
        const { case: updated } = await deps.lifecycle.extend(caseNumber, staffActor(staff), {
          ...(body.extraWorkingDays !== undefined ? { extraWorkingDays: body.extraWorkingDays } : { newDueDate: body.newDueDate! }),
          reason: body.reason,
          ...(key ? { key, request } : {}),
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
