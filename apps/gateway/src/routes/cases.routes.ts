import { Router } from 'express';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, CASE_STATUSES, CHANNELS, DEPARTMENT_CODE_PATTERN } from '@cg/contracts';
import { allowedActions, foldForSearch, isVisibleTo, toCaseView, type StaffPrincipal, type StaffTokenService } from '@cg/core';
import { decodeCaseListCursor, type CaseRepository } from '@cg/db';
import { toCaseSummary as toSummary } from '@cg/core';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { caseListScope } from '../http/case-list-scope';

const listQuerySchema = z
  .object({
    department: z.string().regex(DEPARTMENT_CODE_PATTERN, 'a department code such as domain, or triage').optional(),
    status: z.enum(CASE_STATUSES).optional(),
    channel: z.enum(CHANNELS).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    /** Supervisors' view: cases whose deadline checks escalated them. */
    escalated: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /** Customer support's "to verify" view: `false` lists cases not yet confirmed with the customer. */
    verified: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /** `me`: cases I work on (claimed or assigned); `none`: waiting in the queue for someone to claim. */
    owner: z.enum(['me', 'none']).optional(),
    /** `deadline`: the most urgent target first (a department's working queue); default newest first. */
    sort: z.enum(['received', 'deadline']).default('received'),
    /**
     * Keyset pagination: the `nextCursor` of the previous page (opaque). Pages never skip or repeat
     * a case while new ones arrive. Without it (and without `page`) the first page.
     */
    cursor: z
      .string()
      .max(200)
      .transform((text, ctx) => {
        const cursor = decodeCaseListCursor(text);
        if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor from nextCursor; start again without one' });
        return cursor ?? z.NEVER;
      })
      .optional(),
    /** Page numbers (skip): kept for older clients, slower on long lists; prefer `cursor`. Implies `count`. */
    page: z.coerce.number().int().min(1).max(10_000).optional(),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    /** `true`: also count the whole result (`total`), one more scan of the list; off by default. */
    count: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .default(false),
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.cursor && query.cursor.sort !== query.sort)
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: `this cursor belongs to sort=${query.cursor.sort}` });
    if (query.cursor && query.page !== undefined)
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'give either cursor or page, not both' });
  });

const caseNumberParamsSchema = z.object({
  caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042'),
});

export function caseRoutes(deps: { cases: CaseRepository; tokens: StaffTokenService }): Router {
  const router = Router();
  const canRead = requireStaff(deps.tokens, 'cases:read');

  /**
   * The list of a role without `cases:list` (hotline operators, postal clerks): the cases they
   * recorded, newest first (one page), or the one case a case number in `q` names. Browsing the
   * departments' work (filters, free-text search, further pages) is refused with 403.
   */
  const ownRecords = async (query: z.infer<typeof listQuerySchema>, staff: StaffPrincipal, staffId: string) => {
    const { q, pageSize, sort: _sort, count: _count, ...rest } = query;
    const filters = Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    const caseNumber = q?.toUpperCase();
    if (filters.length || (caseNumber !== undefined && !CASE_NUMBER_PATTERN.test(caseNumber))) {
      throw new HttpProblem(
        403,
        'forbidden',
        'Not allowed for your role',
        `role ${staff.role} lists the cases it recorded or looks one up by its number (q=KN26-00042); not ${[...filters, ...(q ? ['q'] : [])].join(', ')}`,
      );
    }
    const records = caseNumber
      ? [await deps.cases.findByCaseNumber(caseNumber)].filter((c) => c !== null)
      : await deps.cases.listRecordedBy(staffId, pageSize);
    return { items: records.map(toSummary), pageSize, nextCursor: null };
  };

  router.get(
    '/',
    apiDoc({ summary: 'List cases (work lists, search, keyset pages)', query: listQuerySchema }),
    canRead,
    async (req, res) => {
      const query = parseRequest(listQuerySchema, req.query, 'query');
      const staff = currentStaff(req);
      // The same scope as the live updates of /staff-cases (http/case-list-scope.ts).
      const listScope = caseListScope(staff);
      if (listScope.kind === 'recorded') {
        res.json(await ownRecords(query, staff, listScope.staffId));
        return;
      }
      const scope = listScope.kind === 'department' ? listScope.department : undefined;
      if (scope && query.department && query.department !== scope) {
        throw new HttpProblem(403, 'forbidden', 'Not your department', `department staff may list only ${scope}`);
      }
      const { items, nextCursor, total } = await deps.cases.list(
        {
          // Department staff: their department's queue and the cases it collaborates on.
          ...(scope ? { visibleToDepartment: scope } : {}),
          ...(query.department ? { department: query.department } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.channel ? { channel: query.channel } : {}),
          ...(query.q ? { q: foldForSearch(query.q) } : {}),
          ...(query.escalated !== undefined ? { escalated: query.escalated } : {}),
          ...(query.verified !== undefined ? { verified: query.verified } : {}),
          ...(query.owner ? { ownerId: query.owner === 'me' ? staff.staffId : null } : {}),
        },
        {
          limit: query.pageSize,
          sort: query.sort,
          ...(query.cursor ? { cursor: query.cursor } : {}),
          ...(query.page !== undefined ? { offset: (query.page - 1) * query.pageSize } : {}),
          count: query.count || query.page !== undefined,
        },
      );
      // { items, pageSize, nextCursor (null on the last page), total (count=true or page) ; page, totalPages (page) }
      res.json({
        items: items.map(({ version: _version, ...summary }) => summary), // from the lists' index (packages/db case-index.ts)
        pageSize: query.pageSize,
        nextCursor,
        ...(total !== undefined ? { total } : {}),
        ...(query.page !== undefined && total !== undefined ? { page: query.page, totalPages: Math.ceil(total / query.pageSize) } : {}),
      });
    },
  );

  router.get(
    '/:caseNumber',
    apiDoc({ summary: 'One case with what may be done next', params: caseNumberParamsSchema }),
    canRead,
    async (req, res) => {
      const { caseNumber } = parseRequest(caseNumberParamsSchema, req.params, 'params');
      const record = await deps.cases.findByCaseNumber(caseNumber);
      const staff = currentStaff(req);
      // A case outside the department (and not shared with it) is answered as missing, so its existence does not leak.
      if (
        !record ||
        !isVisibleTo(
          {
            kind: 'staff',
            id: staff.staffId,
            name: staff.name,
            role: staff.role,
            ...(staff.department ? { department: staff.department } : {}),
          },
          record,
        )
      ) {
        throw new HttpProblem(
          404,
          'case_not_found',
          'Case not found',
          `no case ${caseNumber} (it may still be in the intake queue for a second or two)`,
        );
      }
      res.json({ ...toCaseView(record), allowedActions: allowedActions(record.status) });
    },
  );

  return router;
}
