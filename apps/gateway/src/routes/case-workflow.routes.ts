import { Router } from 'express';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, DEPARTMENT_CODE_PATTERN, TRIAGE } from '@cg/contracts';
import { DeadlineError } from '@cg/calendar';
import { firstDeadlineCheck, type DeadlinePlanner, type StaffTokenService } from '@cg/core';
import type { CaseRepository, TrainingExampleRepository } from '@cg/db';
import type { DeadlineScheduler } from '@cg/queue';
import { HttpProblem, parseRequest } from '../http/problem';
import { currentStaff, requireStaff } from '../http/staff-auth';

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

/** Staff actions that change a case: department corrections and deadline extensions. */
export function caseWorkflowRoutes(deps: {
  tokens: StaffTokenService;
  cases: CaseRepository;
  trainingExamples: TrainingExampleRepository;
  planner: DeadlinePlanner;
  deadlineScheduler: DeadlineScheduler;
  departments: () => readonly string[];
}): Router {
  const router = Router();

  router.patch('/:caseNumber/classification', requireStaff(deps.tokens, 'cases:classify'), async (req, res) => {
    const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
    const body = parseRequest(classificationSchema, req.body, 'body');
    if (!deps.departments().includes(body.department)) {
      throw new HttpProblem(400, 'validation_failed', 'Unknown department', undefined, [
        { field: 'department', code: 'invalid_value', message: `one of ${deps.departments().join(', ')}` },
      ]);
    }
    const existing = await deps.cases.findByCaseNumber(caseNumber);
    if (!existing) throw new HttpProblem(404, 'case_not_found', 'Case not found', `no case ${caseNumber}`);
    const staff = currentStaff(req);
    const at = new Date();
    const updated = await deps.cases.reclassify(caseNumber, {
      department: body.department,
      previous: existing.department,
      at,
      by: { kind: 'staff', id: staff.staffId, name: staff.name, role: staff.role },
      ...(body.note ? { note: body.note } : {}),
    });
    if (!updated)
      throw new HttpProblem(
        409,
        'case_not_reclassifiable',
        'Case is already being handled',
        `case ${caseNumber} is ${existing.status}; only cases in triage or waiting in a queue can be moved`,
      );
    await deps.trainingExamples.recordCorrection({
      caseNumber,
      text: [existing.subject, existing.bodyText].filter(Boolean).join('\n'),
      department: body.department,
      predicted: existing.classification?.department ?? existing.department,
      correctedBy: staff.email,
      correctedAt: at,
    });
    res.json({ caseNumber, department: updated.department, status: updated.status, classification: updated.classification });
  });

  router.post('/:caseNumber/extensions', requireStaff(deps.tokens, 'deadlines:extend'), async (req, res) => {
    const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
    const body = parseRequest(extensionSchema, req.body, 'body');
    const existing = await deps.cases.findByCaseNumber(caseNumber);
    if (!existing?.deadlines?.target) throw new HttpProblem(404, 'case_not_found', 'Case not found', `no case ${caseNumber}`);
    const staff = currentStaff(req);
    const current = existing.deadlines as unknown as Parameters<DeadlinePlanner['extend']>[1];
    let next;
    try {
      next = deps.planner.extend(existing.receivedAt, current, {
        ...(body.extraWorkingDays !== undefined ? { extraWorkingDays: body.extraWorkingDays } : { newDueDate: body.newDueDate! }),
        reason: body.reason,
        approvedBy: staff.email,
        approvedAt: new Date(),
      });
    } catch (err) {
      if (err instanceof DeadlineError) {
        const field = body.newDueDate !== undefined ? 'newDueDate' : 'extraWorkingDays';
        throw new HttpProblem(422, err.code.toLowerCase(), 'Extension refused', err.message, [
          { field, code: err.code, message: err.message },
        ]);
      }
      throw err;
    }
    const updated = await deps.cases.applyExtension(caseNumber, current.target.dueDate, next, {
      at: new Date(),
      type: 'deadline_extended',
      actor: { kind: 'staff', id: staff.staffId, name: staff.name, role: staff.role },
      message: `Target extended from ${current.target.dueDate} to ${next.target.dueDate} (cap ${next.cap.dueDate}): ${body.reason}`,
      data: { from: current.target.dueDate, to: next.target.dueDate, approvedBy: staff.email },
    });
    if (!updated)
      throw new HttpProblem(
        409,
        'deadline_changed',
        'Deadline changed meanwhile',
        'another extension was applied first; reload the case and try again',
      );
    await deps.deadlineScheduler.schedule(caseNumber, firstDeadlineCheck(next, deps.planner.currentCalendar));
    res.json({ caseNumber, deadlines: updated.deadlines });
  });

  return router;
}
