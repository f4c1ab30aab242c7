import { randomBytes } from 'node:crypto';
import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import {
  ASSIGN_CAP_LIMITS,
  DEPARTMENT_CODE_PATTERN,
  ROOT_CAUSE_CODE_PATTERN,
  STAFF_ROLES,
  type DepartmentSettingsView,
  type RootCauseView,
  type StaffAccountView,
  type StaffAccountWithPassword,
} from '@cg/contracts';
import {
  PASSWORD_MIN_LENGTH,
  RecordBusy,
  StaffAccountInvalid,
  StaffAccountNotFound,
  StaffAccountRefused,
  updateSerialised,
  type CaseLock,
  type StaffAccount,
  type StaffAccounts,
  type StaffTokenService,
} from '@cg/core';
import {
  RootCauseExistsError,
  StaffUserExistsError,
  type DepartmentSettingsRepository,
  type RootCauseRepository,
  type StoredDepartmentSettings,
  type StoredRootCause,
} from '@cg/db';
import { apiDoc } from '../http/api-doc';
import { HttpProblem, parseRequest } from '../http/problem';
import { currentStaff, requireStaff } from '../http/staff-auth';

const name = z.string().trim().min(1, 'the name is required').max(200);
const title = z.string().trim().max(200);
const password = z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(1024);
const department = z.string().regex(DEPARTMENT_CODE_PATTERN, 'a department code such as domain');
const label = (what: string) => z.string().trim().min(1, `${what} is required`).max(200);

const staffIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'a staff account id') }).strict();
const createStaffBody = z
  .object({
    email: z.email('an e-mail address (the sign-in)').max(200),
    name,
    role: z.enum(STAFF_ROLES),
    department: department.optional(),
    title: title.optional(),
    /** Omitted: a temporary password is generated and answered once. */
    password: password.optional(),
  })
  .strict();
const updateStaffBody = z
  .object({
    name: name.optional(),
    role: z.enum(STAFF_ROLES).optional(),
    /** null: none (leaving department_staff drops it anyway). */
    department: department.nullable().optional(),
    /** null or "": the default title by role. */
    title: title.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of name, role, department, title' });
const resetPasswordBody = z.object({ password: password.optional() }).strict();
const emptyBody = z.object({}).strict();

const departmentParams = z.object({ department }).strict();
const departmentBody = z
  .object({
    autoAssign: z.boolean({ error: 'true or false' }),
    assignCap: z.number({ error: 'a whole number' }).int('a whole number').min(ASSIGN_CAP_LIMITS.min).max(ASSIGN_CAP_LIMITS.max),
  })
  .strict();

const rootCauseParams = z.object({ code: z.string().regex(ROOT_CAUSE_CODE_PATTERN, 'a code such as billing_error') }).strict();
const addRootCauseBody = z
  .object({
    code: z.string().regex(ROOT_CAUSE_CODE_PATTERN, 'lowercase letters, digits and _ (2–40), starting with a letter'),
    labelVi: label('the Vietnamese label'),
    labelEn: label('the English label'),
  })
  .strict();
const updateRootCauseBody = z
  .object({
    labelVi: label('the Vietnamese label').optional(),
    labelEn: label('the English label').optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of labelVi, labelEn, active' });

export function staffAccountView(a: StaffAccount): StaffAccountView {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    ...(a.department ? { department: a.department } : {}),
    ...(a.title ? { title: a.title } : {}),
    active: a.active,
    ...(a.lastLoginAt ? { lastLoginAt: a.lastLoginAt.toISOString() } : {}),
    ...(a.createdAt ? { createdAt: a.createdAt.toISOString() } : {}),
    ...(a.updatedAt ? { updatedAt: a.updatedAt.toISOString() } : {}),
  };
}

function departmentView(d: StoredDepartmentSettings): DepartmentSettingsView {
  return {
    department: d.department,
    autoAssign: d.autoAssign,
    assignCap: d.assignCap,
    configured: d.configured,
    ...(d.updatedBy ? { updatedBy: d.updatedBy } : {}),
    ...(d.updatedAt ? { updatedAt: d.updatedAt.toISOString() } : {}),
  };
}

function rootCauseView(c: StoredRootCause): RootCauseView {
  return {
    code: c.code,
    labelVi: c.labelVi,
    labelEn: c.labelEn,
    active: c.active,
    ...(c.updatedBy ? { updatedBy: c.updatedBy } : {}),
    ...(c.updatedAt ? { updatedAt: c.updatedAt.toISOString() } : {}),
  };
}

/** A password an admin hands over once; the user should change it (18 random characters). */
const temporaryPassword = () => randomBytes(14).toString('base64url').slice(0, 18);

export interface AdminRoutesDeps {
  tokens: StaffTokenService;
  accounts: StaffAccounts;
  departmentSettings: DepartmentSettingsRepository;
  /** After each write of a department's settings (the processes' cached copies: CachedDepartmentSettings). */
  departmentSettingsChanged: () => Promise<void>;
  rootCauses: RootCauseRepository;
  /** The departments of the company (@cg/contracts' DEFAULT_DEPARTMENTS unless configured). */
  departments: () => readonly string[];
  /** Leases for admin-edited documents (department settings, root causes): one writer at a time. */
  lock: CaseLock;
}

/**
 * The admin screens' API under /api/v1/admin: staff accounts, department settings, the root-cause
 * list. Calendar schedules are read and loaded through /api/v1/calendar/schedules. Every route
 * validates with zod (400 naming each bad field), asks for an admin permission (403), answers
 * 404 for an unknown account, department or category and 409 for a conflict (e-mail or code
 * taken, a change of one's own account that would lock one out, a document busy).
 */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();
  const { accounts } = deps;
  const by = (req: Parameters<typeof currentStaff>[0]) => currentStaff(req).email;

  router.get(
    '/staff',
    apiDoc({ summary: 'Staff accounts', tag: 'admin' }),
    requireStaff(deps.tokens, 'staff:manage'),
    async (_req, res) => {
      res.json({ items: (await accounts.list()).map(staffAccountView) });
    },
  );

  router.post(
    '/staff',
    apiDoc({
      summary: 'Create a staff account (a temporary password is generated when none is given)',
      tag: 'admin',
      body: createStaffBody,
      responses: { 201: 'The account, and the generated password once' },
    }),
    requireStaff(deps.tokens, 'staff:manage'),
    async (req, res) => {
      const b = parseRequest(createStaffBody, req.body ?? {}, 'body');
      const generated = b.password ? undefined : temporaryPassword();
      const account = await accounts.create({
        email: b.email,
        name: b.name,
        role: b.role,
        ...(b.department ? { department: b.department } : {}),
        ...(b.title ? { title: b.title } : {}),
        password: b.password ?? generated!,
      });
      const answer: StaffAccountWithPassword = {
        account: staffAccountView(account),
        ...(generated ? { temporaryPassword: generated } : {}),
      };
      res.status(201).json(answer);
    },
  );

  router.patch(
    '/staff/:id',
    apiDoc({
      summary: 'Change a staff account’s name, role, department or title (a new role or department signs them out)',
      tag: 'admin',
      params: staffIdParams,
      body: updateStaffBody,
    }),
    requireStaff(deps.tokens, 'staff:manage'),
    async (req, res) => {
      const { id } = parseRequest(staffIdParams, req.params, 'params');
      const b = parseRequest(updateStaffBody, req.body ?? {}, 'body');
      const account = await accounts.update(
        id,
        {
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.role !== undefined ? { role: b.role } : {}),
          ...(b.department !== undefined ? { department: b.department } : {}),
          ...(b.title !== undefined ? { title: b.title || null } : {}),
        },
        currentStaff(req).staffId,
      );
      res.json(staffAccountView(account));
    },
  );

  for (const [path, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    router.post(
      `/staff/:id/${path}`,
      apiDoc({
        summary: active ? 'Enable a staff account' : 'Disable a staff account (its tokens and sockets stop working at once)',
        tag: 'admin',
        params: staffIdParams,
        body: emptyBody,
      }),
      requireStaff(deps.tokens, 'staff:manage'),
      async (req, res) => {
        const { id } = parseRequest(staffIdParams, req.params, 'params');
        parseRequest(emptyBody, req.body ?? {}, 'body');
        res.json(staffAccountView(await accounts.setActive(id, active, currentStaff(req).staffId)));
      },
    );
  }

  router.post(
    '/staff/:id/password',
    apiDoc({
      summary: 'Reset a staff account’s password (a temporary one is generated when none is given; earlier sign-ins end)',
      tag: 'admin',
      params: staffIdParams,
      body: resetPasswordBody,
    }),
    requireStaff(deps.tokens, 'staff:manage'),
    async (req, res) => {
      const { id } = parseRequest(staffIdParams, req.params, 'params');
      const b = parseRequest(resetPasswordBody, req.body ?? {}, 'body');
      const generated = b.password ? undefined : temporaryPassword();
      const account = await accounts.resetPassword(id, b.password ?? generated!);
      const answer: StaffAccountWithPassword = {
        account: staffAccountView(account),
        ...(generated ? { temporaryPassword: generated } : {}),
      };
      res.json(answer);
    },
  );

  router.get(
    '/departments',
    apiDoc({ summary: 'Departments and their settings (automatic fair assignment, cap of open cases per person)', tag: 'admin' }),
    requireStaff(deps.tokens, 'departments:manage'),
    async (_req, res) => {
      const items = await deps.departmentSettings.forDepartments(deps.departments());
      res.json({ items: items.map(departmentView) });
    },
  );

  router.put(
    '/departments/:department',
    apiDoc({ summary: 'Save a department’s settings', tag: 'admin', params: departmentParams, body: departmentBody }),
    requireStaff(deps.tokens, 'departments:manage'),
    async (req, res) => {
      const { department: code } = parseRequest(departmentParams, req.params, 'params');
      const b = parseRequest(departmentBody, req.body ?? {}, 'body');
      if (!deps.departments().includes(code)) {
        throw new HttpProblem(404, 'not_found', 'Unknown department', `one of ${deps.departments().join(', ')}`);
      }
      const { record } = await updateSerialised({
        lock: deps.lock,
        key: `department:${code}`,
        read: () => deps.departmentSettings.find(code),
        decide: (cur) =>
          cur.configured && cur.autoAssign === b.autoAssign && cur.assignCap === b.assignCap ? null : { ...b, updatedBy: by(req) },
        write: (v, set) => deps.departmentSettings.writeIfVersion(code, v, set).finally(deps.departmentSettingsChanged),
      });
      res.json(departmentView(record!));
    },
  );

  router.get(
    '/root-causes',
    apiDoc({ summary: 'The root-cause categories, active and retired', tag: 'admin' }),
    requireStaff(deps.tokens, 'root-causes:manage'),
    async (_req, res) => {
      res.json({ items: (await deps.rootCauses.all()).map(rootCauseView) });
    },
  );

  router.post(
    '/root-causes',
    apiDoc({ summary: 'Add a root-cause category', tag: 'admin', body: addRootCauseBody, responses: { 201: 'The category' } }),
    requireStaff(deps.tokens, 'root-causes:manage'),
    async (req, res) => {
      const b = parseRequest(addRootCauseBody, req.body ?? {}, 'body');
      res.status(201).json(rootCauseView(await deps.rootCauses.add({ ...b, updatedBy: by(req) })));
    },
  );

  router.patch(
    '/root-causes/:code',
    apiDoc({
      summary: 'Relabel, retire (active: false) or bring back a root-cause category',
      tag: 'admin',
      params: rootCauseParams,
      body: updateRootCauseBody,
    }),
    requireStaff(deps.tokens, 'root-causes:manage'),
    async (req, res) => {
      const { code } = parseRequest(rootCauseParams, req.params, 'params');
      const b = parseRequest(updateRootCauseBody, req.body ?? {}, 'body');
      const { record } = await updateSerialised({
        lock: deps.lock,
        key: `root-cause:${code}`,
        read: () => deps.rootCauses.find(code),
        decide: (cur) => {
          const set = Object.fromEntries(Object.entries(b).filter(([k, v]) => cur[k as keyof typeof b] !== v));
          return Object.keys(set).length ? { ...set, updatedBy: by(req) } : null;
        },
        write: (v, set) => deps.rootCauses.writeIfVersion(code, v, set),
      });
      if (!record) throw new HttpProblem(404, 'not_found', 'Unknown root cause', `no category ${code}`);
      res.json(rootCauseView(record));
    },
  );

  router.use(adminProblems);
  return router;
}

/**
 * GET /api/v1/root-causes: the list for everyone who reads cases (the close form offers the
 * active ones; a closed case shows its category's label even when it is retired).
 */
export function rootCauseRoutes(deps: { tokens: StaffTokenService; rootCauses: RootCauseRepository }): Router {
  const router = Router();
  router.get(
    '/',
    apiDoc({ summary: 'The root-cause categories cases are closed with (active and retired)', tag: 'root causes' }),
    requireStaff(deps.tokens, 'cases:read'),
    async (_req, res) => {
      res.json({ items: (await deps.rootCauses.all()).map(rootCauseView) });
    },
  );
  return router;
}

/** The admin domain's errors as problems: 400 naming the field, 404, 409. */
const adminProblems: ErrorRequestHandler = (err, _req, _res, next) => {
  if (err instanceof StaffAccountInvalid) {
    return next(
      new HttpProblem(400, 'validation_failed', 'Invalid staff account', `Fix these fields: ${err.field}`, [
        { field: err.field, code: 'invalid_value', message: err.message },
      ]),
    );
  }
  if (err instanceof StaffAccountNotFound) return next(new HttpProblem(404, 'not_found', 'Unknown staff account', err.message));
  if (err instanceof StaffAccountRefused) return next(new HttpProblem(409, 'refused', 'Not allowed on your own account', err.message));
  if (err instanceof StaffUserExistsError) {
    return next(
      new HttpProblem(409, 'conflict', 'E-mail already used', err.message, [{ field: 'email', code: 'taken', message: err.message }]),
    );
  }
  if (err instanceof RootCauseExistsError) {
    return next(
      new HttpProblem(409, 'conflict', 'Code already used', err.message, [{ field: 'code', code: 'taken', message: err.message }]),
    );
  }
  if (err instanceof RecordBusy) return next(new HttpProblem(409, 'busy', 'Changed by someone else at the same moment', err.message));
  next(err);
};
