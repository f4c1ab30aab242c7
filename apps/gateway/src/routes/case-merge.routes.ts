import { Router } from 'express';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, OPEN_STATUSES } from '@cg/contracts';
import { MERGE_SURVIVOR_STATES, allowedActions, type CaseLifecycle, type CaseView, type StaffTokenService } from '@cg/core';
import type { CaseRepository } from '@cg/db';
import { parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { staffActor } from './case-actions.routes';

const caseNumber = z.string().trim().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042');
const paramsSchema = z.object({ caseNumber });
const mergeSchema = z
  .object({
    /** The surviving case this one (the duplicate) joins. */
    into: caseNumber,
    reason: z.string().trim().max(1000).optional(),
  })
  .strict();

const view = (c: CaseView) => ({ ...c, allowedActions: allowedActions(c.status) });

/**
 * Step 2, duplicates (the same customer complaining on two channels):
 * - POST /:caseNumber/merge {into, reason?} — this case (the duplicate) joins `into` (the
 *   survivor): its journal and attachments are copied there, it becomes `merged` and points to
 *   the survivor, which lists it in `mergedFrom`. 400 naming `into` (itself, unknown, another
 *   customer's case), 409 naming the state that refuses it (a closed, answered or merged survivor;
 *   a duplicate with an answer drafted), 403 wrong role.
 * - GET /:caseNumber/possible-duplicates — other open cases of the same customer (same email), the
 *   console's hint.
 */
export function caseMergeRoutes(deps: {
  lifecycle: Pick<CaseLifecycle, 'merge' | 'get'>;
  cases: Pick<CaseRepository, 'list'>;
  tokens: StaffTokenService;
}): Router {
  const router = Router();

  router.post(
    '/:caseNumber/merge',
    apiDoc({
      summary: 'Step 2: merge this case (a duplicate) into another open case of the same customer',
      tag: 'case actions',
      params: paramsSchema,
      body: mergeSchema,
      responses: { 200: 'Both cases after the merge: { survivor, duplicate, changed }' },
    }),
    requireStaff(deps.tokens, 'cases:merge'),
    async (req, res) => {
      const { caseNumber: duplicate } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(mergeSchema, req.body ?? {}, 'body');
      const result = await deps.lifecycle.merge(duplicate, staffActor(currentStaff(req)), {
        into: body.into,
        ...(body.reason ? { reason: body.reason } : {}),
      });
      res.json({ survivor: view(result.survivor), duplicate: view(result.duplicate), changed: result.changed });
    },
  );

  router.get(
    '/:caseNumber/possible-duplicates',
    apiDoc({
      summary: 'Other open cases of the same customer (same email): candidates to merge',
      tag: 'case actions',
      params: paramsSchema,
    }),
    requireStaff(deps.tokens, 'cases:merge'),
    async (req, res) => {
      const { caseNumber: n } = parseRequest(paramsSchema, req.params, 'params');
      const c = await deps.lifecycle.get(n, staffActor(currentStaff(req)));
      const email = c.customer?.email?.trim().toLowerCase();
      if (!email || !OPEN_STATUSES.includes(c.status)) {
        res.json({ caseNumber: n, items: [] });
        return;
      }
      const { items } = await deps.cases.list({ customerEmail: email }, { limit: 20 });
      res.json({
        caseNumber: n,
        items: items
          .filter((o) => o.caseNumber !== n && MERGE_SURVIVOR_STATES.includes(o.status))
          .map((o) => ({
            caseNumber: o.caseNumber,
            status: o.status,
            channel: o.channel,
            department: o.department,
            subject: o.subject,
            receivedAt: o.receivedAt,
          })),
      });
    },
  );

  return router;
}
