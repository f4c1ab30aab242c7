import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  CASE_NUMBER_PATTERN,
  DEPARTMENT_CODE_PATTERN,
  PRIORITIES,
  TRIAGE,
  VERIFICATION_METHODS,
  ROOT_CAUSE_CODE_PATTERN,
} from '@cg/contracts';
import {
  allowedActions,
  type CaseActor,
  type CaseLifecycle,
  type CaseResult,
  type Permission,
  type StaffPrincipal,
  type StaffTokenService,
} from '@cg/core';
import type { StaffUserRepository } from '@cg/db';
import { idempotencyKeyHeaders, idempotencyKeyOf } from '../http/idempotency-key';
import { renderJournalReport } from '@cg/letters';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';

const paramsSchema = z.object({ caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042') });
const text = (max: number, what: string) => z.string().trim().min(1, `${what} is required`).max(max);
const department = z.string().regex(DEPARTMENT_CODE_PATTERN, 'a department code such as domain');

/** The request bodies of the case actions, one per route (all `.strict()`: unknown fields are a 400). */
const bodies = {
  verify: z
    .object({
      how: z.enum(VERIFICATION_METHODS),
      customerRequest: z.string().trim().max(2000).optional(),
      priority: z.enum(PRIORITIES).optional(),
      note: z.string().trim().max(2000).optional(),
    })
    .strict(),
  empty: z.object({}).strict(),
  release: z.object({ reason: z.string().trim().max(1000).optional() }).strict(),
  assign: z.object({ assignee: z.email('the assignee’s staff email'), note: z.string().trim().max(1000).optional() }).strict(),
  note: z.object({ text: text(10_000, 'the note') }).strict(),
  collaborate: z
    .object({
      departments: z.array(department).min(1, 'name at least one department').max(10),
      note: z.string().trim().max(1000).optional(),
    })
    .strict(),
  transfer: z.object({ department, reason: text(2000, 'the reason').pipe(z.string().min(5, 'say why')) }).strict(),
  escalate: z.object({ reason: text(2000, 'the reason').pipe(z.string().min(5, 'say why')) }).strict(),
  report: z
    .object({
      findings: text(5000, 'the findings'),
      cause: text(2000, 'the cause'),
      remedy: text(2000, 'the remedy'),
      tellCustomer: z.string().trim().max(2000).optional(),
    })
    .strict(),
  draft: z.object({ text: text(50_000, 'the answer'), answerInWriting: z.boolean().optional() }).strict(),
  approve: z.object({ comment: z.string().trim().max(2000).optional() }).strict(),
  return: z.object({ comment: text(2000, 'a comment for the drafter') }).strict(),
  deliver: z
    .object({ via: z.enum(['email', 'livechat', 'hotline', 'postal']).optional(), note: z.string().trim().max(2000).optional() })
    .strict(),
  resolveOnContact: z.object({ note: text(2000, 'what was agreed with the customer') }).strict(),
  /** After a delivery failed for good: the same channel, or another one (the signed letter by post, a callback…). */
  redeliver: z
    .object({ via: z.enum(['email', 'livechat', 'hotline', 'postal']).optional(), note: z.string().trim().max(2000).optional() })
    .strict(),
  close: z
    .object({
      /** A code of the admin-managed list (GET /api/v1/root-causes); checked against its active entries. */
      rootCause: z.string().regex(ROOT_CAUSE_CODE_PATTERN, 'a root-cause code such as billing_error'),
      lessonLearned: text(5000, 'the lesson learned'),
      customerAccepted: z.boolean({ error: 'say whether the customer accepted the outcome (true or false)' }),
    })
    .strict(),
  reopen: z
    .object({
      reason: text(2000, 'the customer’s reason'),
      via: z.enum(['hotline', 'email', 'livechat', 'postal']).optional(),
      /** The caller's phone or email, checked against the case (hotline operators must give one). */
      customerPhone: z.string().trim().max(30).optional(),
      customerEmail: z.string().trim().max(200).optional(),
    })
    .strict(),
};

/**
 * Every case action route (POST /api/v1/cases/:caseNumber/<path>) and the permission it asks for:
 * the one table the routes are built from and the permissions test walks with every role.
 */
export const CASE_ACTION_ROUTES = {
  verify: 'cases:verify',
  claim: 'cases:claim',
  release: 'cases:claim',
  assign: 'cases:assign',
  notes: 'cases:note',
  collaborators: 'cases:collaborate',
  transfer: 'cases:transfer',
  escalate: 'cases:escalate',
  report: 'cases:report',
  answer: 'cases:draft',
  'answer/approve': 'cases:approve',
  'answer/return': 'cases:approve',
  deliver: 'cases:deliver',
  'deliver-again': 'cases:deliver',
  'resolve-on-contact': 'cases:resolve-on-contact',
  close: 'cases:close',
  reopen: 'cases:reopen',
} as const satisfies Record<string, Permission>;
export type CaseActionRoute = keyof typeof CASE_ACTION_ROUTES;

/** What each case action does, in the API document. */
const ACTION_SUMMARIES: Record<CaseActionRoute, string> = {
  verify: 'Step 2: confirm the complaint with the customer',
  claim: 'Step 3: take the case from the department queue',
  release: 'Step 3: give the case back to the department queue',
  assign: 'Step 3: give the case to a named member of its department',
  notes: 'Add an internal note (never sent to the customer)',
  collaborators: 'Bring other departments in as collaborators',
  transfer: 'Move the case to another department, with a reason',
  escalate: 'Ask a supervisor to decide',
  report: 'Report findings, cause and remedy back to customer support',
  answer: 'Step 4: draft the answer to the customer',
  'answer/approve': 'Step 4: sign off the drafted answer',
  'answer/return': 'Step 4: return the drafted answer with a comment',
  deliver: 'Step 4: record that the answer reached the customer',
  'deliver-again': 'Step 4: request the delivery again after it failed for good',
  'resolve-on-contact': 'Resolve during the contact, with the customer’s agreement',
  close: 'Step 5: close with root cause and lesson learned',
  reopen: 'Step 5: reopen: the customer is not satisfied',
};

/** The lifecycle's actor for a signed-in staff member. */
export function staffActor(staff: StaffPrincipal): CaseActor {
  return {
    kind: 'staff',
    id: staff.staffId,
    name: staff.name,
    role: staff.role,
    email: staff.email,
    ...(staff.department ? { department: staff.department } : {}),
  };
}

function view(result: CaseResult) {
  return { ...result.case, allowedActions: allowedActions(result.case.status), changed: result.changed };
}

/**
 * Steps 2–5 of the procedure over HTTP: every route validates its body (400 naming the fields),
 * checks the permission (403), and calls the CaseLifecycle, whose errors become 404 (unknown case,
 * or another department's for department staff), 409 (not allowed in the current state: the
 * problem names the state and the allowed actions) and 403 (see http/case-problems.ts).
 */
export function caseActionRoutes(deps: {
  lifecycle: CaseLifecycle;
  tokens: StaffTokenService;
  staffUsers: Pick<StaffUserRepository, 'findByEmail'>;
  departments: () => readonly string[];
  /** The admin-managed root-cause list: close accepts its active categories only (absent: any code). */
  rootCauses?: { isActive(code: string): Promise<boolean>; activeCodes(): Promise<string[]> };
}): Router {
  const router = Router();
  const { lifecycle } = deps;

  const knownDepartments = (field: string, codes: string[]) => {
    const unknown = codes.filter((d) => d === TRIAGE || !deps.departments().includes(d));
    if (unknown.length) {
      throw new HttpProblem(400, 'validation_failed', 'Unknown department', `Fix these fields: ${field}`, [
        { field, code: 'invalid_value', message: `one of ${deps.departments().join(', ')} (not ${unknown.join(', ')})` },
      ]);
    }
  };

  /** POST /:caseNumber/<path>: parse, authorize, call the lifecycle, answer the updated case. */
  const action = <S extends z.ZodType>(
    path: CaseActionRoute,
    schema: S,
    run: (caseNumber: string, actor: CaseActor, body: z.infer<S>, req: Request) => Promise<CaseResult>,
  ) => {
    router.post(
      `/:caseNumber/${path}`,
      apiDoc({
        summary: ACTION_SUMMARIES[path],
        tag: 'case actions',
        params: paramsSchema,
        body: schema,
        ...(path === 'notes' || path === 'escalate' ? { headers: idempotencyKeyHeaders } : {}),
        responses: { 200: 'The updated case' },
      }),
      requireStaff(deps.tokens, CASE_ACTION_ROUTES[path]),
      async (req, res) => {
        const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
        const body = parseRequest(schema, req.body ?? {}, 'body');
        res.json(view(await run(caseNumber, staffActor(currentStaff(req)), body, req)));
      },
    );
  };

  action('verify', bodies.verify, (n, actor, b) => lifecycle.verify(n, actor, b));
  action('claim', bodies.empty, (n, actor) => lifecycle.claim(n, actor));
  action('release', bodies.release, (n, actor, b) => lifecycle.release(n, actor, b));
  action('assign', bodies.assign, async (n, actor, b) => {
    const user = await deps.staffUsers.findByEmail(b.assignee.toLowerCase());
    if (!user || user.active === false || !['department_staff', 'supervisor'].includes(user.role)) {
      throw new HttpProblem(400, 'validation_failed', 'Unknown assignee', 'Fix these fields: assignee', [
        { field: 'assignee', code: 'invalid_value', message: 'the email of an active department staff member or supervisor' },
      ]);
    }
    return lifecycle.assign(n, actor, {
      assignee: {
        id: String(user._id),
        name: user.displayName,
        role: user.role,
        ...(user.role === 'department_staff' && user.department ? { department: user.department } : {}),
      },
      ...(b.note ? { note: b.note } : {}),
    });
  });
  // A retried note (same Idempotency-Key) is journalled once.
  action('notes', bodies.note, (n, actor, b, req) => {
    const clientKey = idempotencyKeyOf(req);
    return lifecycle.note(n, actor, { ...b, ...(clientKey ? { key: `note:${clientKey}` } : {}) });
  });
  action('collaborators', bodies.collaborate, (n, actor, b) => {
    knownDepartments('departments', b.departments);
    return lifecycle.collaborate(n, actor, b);
  });
  action('transfer', bodies.transfer, (n, actor, b) => {
    knownDepartments('department', [b.department]);
    return lifecycle.transfer(n, actor, b);
  });
  // A retried escalation (same Idempotency-Key) is made once.
  action('escalate', bodies.escalate, (n, actor, b, req) => {
    const clientKey = idempotencyKeyOf(req);
    return lifecycle.escalate(n, actor, { ...b, ...(clientKey ? { key: `escalate:${clientKey}` } : {}) });
  });
  action('report', bodies.report, (n, actor, b) => lifecycle.report(n, actor, b));
  action('answer', bodies.draft, (n, actor, b) => lifecycle.draft(n, actor, b));
  action('answer/approve', bodies.approve, (n, actor, b) => lifecycle.approve(n, actor, b));
  action('answer/return', bodies.return, (n, actor, b) => lifecycle.return(n, actor, b));
  action('deliver', bodies.deliver, (n, actor, b) => lifecycle.deliver(n, actor, b));
  action('deliver-again', bodies.redeliver, (n, actor, b) => lifecycle.redeliver(n, actor, b));
  action('resolve-on-contact', bodies.resolveOnContact, (n, actor, b) => lifecycle.resolveOnContact(n, actor, b));
  action('close', bodies.close, async (n, actor, b) => {
    if (deps.rootCauses && !(await deps.rootCauses.isActive(b.rootCause))) {
      const active = await deps.rootCauses.activeCodes();
      throw new HttpProblem(400, 'validation_failed', 'Unknown or retired root cause', 'Fix these fields: rootCause', [
        { field: 'rootCause', code: 'invalid_value', message: `one of the active root causes: ${active.join(', ')}` },
      ]);
    }
    return lifecycle.close(n, actor, b);
  });
  action('reopen', bodies.reopen, (n, actor, b) =>
    lifecycle.reopen(n, actor, {
      reason: b.reason,
      ...(b.via ? { via: b.via } : {}),
      ...(b.customerPhone || b.customerEmail
        ? { contact: { ...(b.customerPhone ? { phone: b.customerPhone } : {}), ...(b.customerEmail ? { email: b.customerEmail } : {}) } }
        : {}),
    }),
  );

  /** The handling journal (append-only), oldest first, with what may be done next. */
  router.get(
    '/:caseNumber/journal',
    apiDoc({ summary: 'The handling journal, oldest first, with what may be done next', params: paramsSchema }),
    requireStaff(deps.tokens, 'cases:read'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const c = await lifecycle.get(caseNumber, staffActor(currentStaff(req)));
      res.json({
        caseNumber: c.caseNumber,
        status: c.status,
        allowedActions: allowedActions(c.status),
        version: c.version,
        items: c.journal,
      });
    },
  );

  /** The journal as a printable PDF ("nhật ký xử lý"), Vietnamese text with an embedded font. */
  router.get(
    '/:caseNumber/journal.pdf',
    apiDoc({
      summary: 'The journal as a printable PDF',
      params: paramsSchema,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
    }),
    requireStaff(deps.tokens, 'cases:read'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const staff = currentStaff(req);
      const c = await lifecycle.get(caseNumber, staffActor(staff));
      const pdf = await renderJournalReport({
        caseNumber: c.caseNumber,
        channel: c.channel,
        department: c.department,
        status: c.status,
        receivedAt: new Date(c.receivedAt),
        ...(c.subject ? { subject: c.subject } : {}),
        ...(c.customer?.name ? { customerName: c.customer.name } : {}),
        entries: c.journal,
        generatedAt: new Date(),
        generatedBy: staff.name,
      });
      res
        .status(200)
        .type('application/pdf')
        .set('Content-Disposition', `attachment; filename="nhat-ky-xu-ly-${c.caseNumber}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );

  /** The journal as CSV (UTF-8 with BOM, for spreadsheets): one row per entry. */
  router.get(
    '/:caseNumber/journal.csv',
    apiDoc({
      summary: 'The journal as CSV (UTF-8 with BOM)',
      params: paramsSchema,
      responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    }),
    requireStaff(deps.tokens, 'cases:read'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const c = await lifecycle.get(caseNumber, staffActor(currentStaff(req)));
      const rows = [
        ['at', 'type', 'actor', 'actor_name', 'actor_role', 'message', 'data'],
        ...c.journal.map((j) => [
          new Date(j.at).toISOString(),
          j.type,
          j.actor.kind,
          j.actor.name ?? '',
          j.actor.role ?? '',
          j.message,
          j.data ? JSON.stringify(j.data) : '',
        ]),
      ];
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="nhat-ky-xu-ly-${c.caseNumber}.csv"`)
        .send('\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n');
    },
  );

  return router;
}

/** One CSV cell: quoted, quotes doubled, and text a spreadsheet would run as a formula defused. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
