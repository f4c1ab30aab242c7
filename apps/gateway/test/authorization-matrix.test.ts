import { randomBytes, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import {
  CASE_EVENTS,
  CASE_EVENTS_NAMESPACE,
  DEFAULT_DEPARTMENTS,
  STAFF_ROLES,
  TRIAGE,
  type CaseChangedEvent,
  type StaffRole,
} from '@cg/contracts';
import { StaffTokenService, type StaffPrincipal } from '@cg/core';
import { CaseEventPublisher, createRedisConnection } from '@cg/queue';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import { ROUTE_ACCESS, SOCKET_ACCESS, rolesAllowed, routeKey, type Access } from '../src/http/route-access';
import { appRoutes, pathParams } from '../src/http/route-inventory';

const SECRET = randomBytes(32).toString('hex');
const METRICS_TOKEN = randomBytes(16).toString('hex');
/** A department for the department staff of the walk (a case number that exists nowhere: 404 for the allowed). */
const DEPT = DEFAULT_DEPARTMENTS[0];

/** Values for path parameters: well-formed, pointing at nothing (the allowed get 400/404/409, never 401/403). */
const PARAM_VALUES: Record<string, string> = {
  caseNumber: 'KN99-99999',
  id: '0'.repeat(24),
  attachmentId: '0'.repeat(24),
  conversationId: randomUUID(),
  page: '1',
  asset: 'init.js',
  screen: 'cases',
  token: 'no-such-survey-token',
  department: DEPT,
  code: 'no_such_cause',
};

type Principal = { name: string; role?: StaffRole; visitor?: boolean; headers: Record<string, string> };

/** The same token with its claims changed and the signature kept: a forgery. */
function tamper(token: string, claims: Record<string, unknown>): string {
  const [head, body, sig] = token.split('.');
  const payload = { ...JSON.parse(Buffer.from(body!, 'base64url').toString()), ...claims };
  return [head, Buffer.from(JSON.stringify(payload)).toString('base64url'), sig].join('.');
}

/**
 * A staff account made through the admin API and signed in, then revoked by an admin: disabled, or
 * its role changed (its old token still claims the old role and token version). Its token worked
 * before (checked), so a later 401 is the revocation. Returns the revoked token and a console
 * session cookie opened with it before the revocation.
 */
async function revokedAccount(
  stack: TestStack,
  adminToken: string,
  role: StaffRole,
  revoke: { disable: true } | { newRole: StaffRole },
): Promise<{ token: string; cookie: string }> {
  const email = `revoked.${randomUUID().slice(0, 8)}@test.local`;
  const created = await stack.api('/api/v1/admin/staff', {
    method: 'POST',
    token: adminToken,
    json: { email, name: 'Revoked', role, ...(role === 'department_staff' ? { department: DEPT } : {}) },
  });
  expect(created.status).toBe(201);
  const id = created.body.account.id as string;
  const signedIn = await stack.api('/api/v1/auth/login', {
    method: 'POST',
    json: { email, password: created.body.temporaryPassword as string },
  });
  expect(signedIn.status).toBe(200);
  const token = signedIn.body.token as string;
  const opened = await fetch(`${stack.url}/api/v1/auth/session`, {
    method: 'POST',
    headers: { origin: stack.url, 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
  });
  await opened.arrayBuffer();
  expect(opened.status).toBe(201);
  const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
  const changed =
    'disable' in revoke
      ? await stack.api(`/api/v1/admin/staff/${id}/disable`, { method: 'POST', token: adminToken, json: {} })
      : await stack.api(`/api/v1/admin/staff/${id}`, {
          method: 'PATCH',
          token: adminToken,
          json: { role: revoke.newRole, ...(revoke.newRole === 'department_staff' ? { department: DEPT } : {}) },
        });
  expect(changed.status).toBe(200);
  return { token, cookie };
}

/** What a principal may expect from a route: true = allowed (anything but 401/403), false = refused (401/403). */
function allowed(access: Access, p: Principal): boolean {
  switch (access.kind) {
    case 'public':
      return true;
    case 'customer':
      return p.role === undefined; // anyone but a signed-in staff member
    case 'metrics-token':
      return false; // bearer tokens of people never open /metrics when METRICS_TOKEN is set
    case 'visitor':
      return p.visitor === true || (p.role !== undefined && rolesAllowed(access).includes(p.role));
    case 'console-session':
      return false; // a bearer token is no console session (walked with cookies below)
    default:
      return p.role !== undefined && rolesAllowed(access).includes(p.role);
  }
}

describe('authorization matrix: every route and socket namespace, every role and bad token', () => {
  let stack: TestStack;
  let principals: Principal[];
  const tokens = {} as Record<StaffRole, string>;
  let visitorToken: string;
  /** Console session cookies opened by accounts revoked afterwards. */
  let revokedCookies: Array<[string, string]>;

  const call = (method: string, path: string, headers: Record<string, string>) =>
    fetch(`${stack.url}${path}`, {
      method,
      // Same-origin like the console (the cookie routes check Origin); JSON, so no redirect to a sign-in page.
      headers: { origin: stack.url, accept: 'application/json', 'content-type': 'application/json', ...headers },
      ...(method === 'GET' || method === 'HEAD' || method === 'DELETE' ? {} : { body: '{}' }),
      redirect: 'manual',
    }).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });

  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        AUTH_TOKEN_SECRET: SECRET,
        METRICS_TOKEN,
        LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
        LIVECHAT_SESSIONS_PER_HOUR_PER_IP: '100000',
      },
    });
    for (const role of STAFF_ROLES) tokens[role] = await stack.tokenFor(role, role === 'department_staff' ? DEPT : undefined);
    const session = await stack.api('/api/v1/livechat/sessions', { method: 'POST', json: { name: 'Lan', email: 'lan@example.vn' } });
    visitorToken = (session.body as { token: string }).token;
    const admin = (await stack.api('/api/v1/auth/me', { token: tokens.admin })).body as { staff: StaffPrincipal };
    const expired = new StaffTokenService(SECRET, -60).issue(admin.staff).token;
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    // Admins hold every permission: a revoked admin's token would open every staff route were the
    // account not checked. The demoted admin's new role (cs_agent) keeps some of them: its old token
    // must still be refused everywhere (the token version, not only the role, decides).
    const disabled = await revokedAccount(stack, tokens.admin, 'admin', { disable: true });
    const demoted = await revokedAccount(stack, tokens.admin, 'admin', { newRole: 'cs_agent' });
    revokedCookies = [
      ['disabled admin', disabled.cookie],
      ['admin demoted to cs_agent', demoted.cookie],
    ];
    principals = [
      ...STAFF_ROLES.map((role) => ({ name: role, role, headers: bearer(tokens[role]) })),
      { name: 'visitor', visitor: true, headers: bearer(visitorToken) },
      { name: 'no token', headers: {} },
      { name: 'expired admin token', headers: bearer(expired) },
      { name: 'cs_agent token forged into admin', headers: bearer(tamper(tokens.cs_agent, { role: 'admin' })) },
      { name: 'garbage token', headers: bearer('not.a.token') },
      { name: 'token of a disabled admin', headers: bearer(disabled.token) },
      { name: 'token of an admin demoted to cs_agent', headers: bearer(demoted.token) },
    ];
  }, 60_000);
  afterAll(() => stack.close());

  it('the table lists exactly the routes the express router serves', () => {
    const served = appRoutes(stack.gateway!.app).map((r) => routeKey(r.method, r.path));
    expect(served.filter((k) => !(k in ROUTE_ACCESS))).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((k) => !served.includes(k))).toEqual([]);
  });

  it('each route guarded by a permission asks for the permission the table says', () => {
    const wrong = appRoutes(stack.gateway!.app).flatMap((r) => {
      const access = ROUTE_ACCESS[routeKey(r.method, r.path)];
      const expected = access && 'permission' in access && access.kind === 'staff' ? access.permission : undefined;
      return r.permission === expected ? [] : [`${r.method} ${r.path}: guard ${r.permission ?? 'none'}, table ${expected ?? 'none'}`];
    });
    expect(wrong).toEqual([]);
  });

  it('every route answers every principal as the table says', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of appRoutes(stack.gateway!.app)) {
      const access = ROUTE_ACCESS[routeKey(route.method, route.path)];
      if (!access) continue; // reported by the first test
      let path = route.path.replace(/\{\/\*(\w+)\}/g, '/:$1');
      for (const name of pathParams(route.path)) path = path.replace(`:${name}`, PARAM_VALUES[name] ?? 'x');
      for (const p of principals) {
        const status = await call(route.method, path, p.headers);
        calls++;
        const ok = allowed(access, p);
        const good = ok ? status !== 401 && status !== 403 && status < 500 : status === 401 || status === 403;
        // Sign-in failures are 401 and a staff token is never a visitor token: who is not signed in gets 401, never 403.
        const unauthenticated = !p.role && !p.visitor;
        if (!good || (!ok && unauthenticated && access.kind !== 'public' && status !== 401)) {
          wrong.push(`${p.name} ${route.method} ${path}: ${status} (expected ${ok ? 'allowed' : 'refused'})`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(500);
  }, 180_000);

  it('the queue dashboard: a console session of an admin only; /metrics: the metrics token only', async () => {
    for (const role of STAFF_ROLES) {
      const opened = await fetch(`${stack.url}/api/v1/auth/session`, {
        method: 'POST',
        headers: { origin: stack.url, 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` },
        body: '{}',
      });
      await opened.arrayBuffer();
      expect(opened.status).toBe(201);
      const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
      const status = await call('GET', '/admin/queues', { cookie });
      expect([role, status]).toEqual([role, rolesAllowed(ROUTE_ACCESS['GET /admin/queues']!).includes(role) ? 200 : 403]);
    }
    // A session opened before its account was disabled or changed ends with the account's tokens.
    for (const [who, cookie] of revokedCookies) expect([who, await call('GET', '/admin/queues', { cookie })]).toEqual([who, 401]);
    expect(await call('GET', '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).toBe(200);
  });

  it('socket namespaces: connect as the table says (livechat visitor and staff, /staff-cases)', async () => {
    const connects = (namespace: string, token: string | undefined) =>
      new Promise<boolean>((resolve) => {
        const socket = io(`${stack.url}${namespace}`, {
          auth: token ? { token } : {},
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        });
        const done = (ok: boolean) => {
          socket.disconnect();
          resolve(ok);
        };
        socket.on('connect', () => done(true));
        socket.on('connect_error', () => done(false));
      });
    const wrong: string[] = [];
    const expired = new StaffTokenService(SECRET, -60).issue({ staffId: randomUUID(), email: 'a@b.c', name: 'x', role: 'admin' }).token;
    const disabled = (await revokedAccount(stack, tokens.admin, 'supervisor', { disable: true })).token;
    const changed = (await revokedAccount(stack, tokens.admin, 'supervisor', { newRole: 'cs_agent' })).token;
    for (const [namespace, rule] of Object.entries(SOCKET_ACCESS)) {
      const access = rule.connect as Access;
      const cases: Array<[string, string | undefined, boolean]> = [
        ...STAFF_ROLES.map((role): [string, string, boolean] => [
          role,
          tokens[role],
          access.kind === 'staff' && rolesAllowed(access).includes(role),
        ]),
        ['visitor', visitorToken, access.kind === 'visitor'],
        ['no token', undefined, false],
        ['expired', expired, false],
        ['forged', tamper(tokens.cs_agent, { role: 'admin' }), false],
        ['disabled supervisor', disabled, false],
        ['supervisor changed to cs_agent', changed, false],
      ];
      for (const [who, token, expected] of cases) {
        const ok = await connects(namespace, token);
        if (ok !== expected) wrong.push(`${who} → ${namespace}: ${ok ? 'connected' : 'refused'}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('a connected staff socket whose account is then disabled or its role changed: its next event is refused and it is dropped', async () => {
    const staffNamespaces = Object.entries(SOCKET_ACCESS).filter(([, rule]) => rule.connect.kind === 'staff');
    expect(staffNamespaces.length).toBeGreaterThanOrEqual(2);
    const admin = tokens.admin;
    const revocations: Array<[string, (id: string) => Promise<number>]> = [
      ['disabled', async (id) => (await stack.api(`/api/v1/admin/staff/${id}/disable`, { method: 'POST', token: admin, json: {} })).status],
      // The new role holds the same permissions: only the token version ends the old token.
      [
        'role changed',
        async (id) =>
          (await stack.api(`/api/v1/admin/staff/${id}`, { method: 'PATCH', token: admin, json: { role: 'supervisor' } })).status,
      ],
    ];
    const wrong: string[] = [];
    for (const [namespace, rule] of staffNamespaces) {
      for (const [how, revoke] of revocations) {
        // A cs_agent holds every staff namespace's permission (livechat:answer, cases:read).
        const email = `socket.${randomUUID().slice(0, 8)}@test.local`;
        const created = await stack.api('/api/v1/admin/staff', {
          method: 'POST',
          token: admin,
          json: { email, name: 'Socket', role: 'cs_agent' },
        });
        const signedIn = await stack.api('/api/v1/auth/login', {
          method: 'POST',
          json: { email, password: created.body.temporaryPassword as string },
        });
        const token = signedIn.body.token as string;
        const socket = io(`${stack.url}${namespace}`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
        try {
          let dropped: string | undefined;
          socket.on('disconnect', (reason) => (dropped = reason));
          await waitFor(`${how} ${namespace} connected`, () => socket.connected);
          const events: readonly string[] = rule.events;
          const event = events[0] ?? 'any-event';
          if (events.length > 0) {
            // The control: before the revocation the same event is answered.
            const before = (await socket.timeout(10_000).emitWithAck(event, {})) as { ok: boolean };
            if (!before.ok) wrong.push(`${how} ${namespace}: ${event} refused before the revocation`);
          }
          expect(await revoke(created.body.account.id as string)).toBe(200);
          if (events.length > 0) {
            const after = (await socket.timeout(10_000).emitWithAck(event, {})) as { ok: boolean; error?: { code: string } };
            if (after.ok || after.error?.code !== 'unauthenticated')
              wrong.push(`${how} ${namespace}: ${event} answered ${JSON.stringify(after)}`);
          } else {
            socket.emit(event);
          }
          await waitFor(`${how} ${namespace} dropped`, () => dropped !== undefined);
          if (dropped !== 'io server disconnect') wrong.push(`${how} ${namespace}: disconnected by ${dropped}`);
        } finally {
          socket.disconnect();
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('department staff get 404 for another department’s case, its journal, emails, attachments and letter; 403 for its chat', async () => {
    const created = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: tokens.hotline_operator,
      json: {
        caller: { name: 'Trần Bình', phone: '0911000111' },
        notes: 'Hosting báo lỗi 500, website không truy cập được.',
        callId: `c-${randomUUID()}`,
      },
    });
    expect(created.status).toBe(202);
    const caseNumber = (created.body as { caseNumber: string }).caseNumber;
    const record = await waitFor('the case', () => stack.db.cases.findByCaseNumber(caseNumber), { timeoutMs: 20_000 });
    const own = record.department;
    const other = DEFAULT_DEPARTMENTS.find((d) => d !== own)!;
    const outsider = await stack.tokenFor('department_staff', other);
    const base = `/api/v1/cases/${caseNumber}`;
    const reads = [
      base,
      `${base}/journal`,
      `${base}/journal.pdf`,
      `${base}/journal.csv`,
      `${base}/emails`,
      `${base}/attachments/${'0'.repeat(24)}`,
      `${base}/answer/letter.pdf`,
    ];
    const statuses = async (token: string) => Promise.all(reads.map(async (path) => [path, (await stack.api(path, { token })).status]));
    expect(await statuses(outsider)).toEqual(reads.map((path) => [path, 404]));
    expect((await stack.api(`${base}/notes`, { method: 'POST', token: outsider, json: { text: 'not mine' } })).status).toBe(404);
    expect((await stack.api(`/api/v1/cases?department=${own}`, { token: outsider })).status).toBe(403);
    const listed = (await stack.api('/api/v1/cases?pageSize=100', { token: outsider })).body as { items: Array<{ caseNumber: string }> };
    expect(listed.items.map((c) => c.caseNumber)).not.toContain(caseNumber);
    expect((await stack.api(`/api/v1/livechat/conversations?caseNumber=${caseNumber}`, { token: outsider })).status).toBe(403);
    // The control: the case's own department reads it (so the 404s above are the scoping, not a broken case).
    if (own !== TRIAGE) {
      const insider = await stack.tokenFor('department_staff', own);
      const mine = await statuses(insider);
      expect(mine.slice(0, 5)).toEqual(reads.slice(0, 5).map((path) => [path, 200]));
    }
  }, 60_000);

  it('hotline operators and postal clerks list only the cases they recorded, and find any other by its number', async () => {
    // A second operator, made through the admin API, logs a call the first one did not.
    const email = `operator.${randomUUID().slice(0, 8)}@test.local`;
    const created = await stack.api('/api/v1/admin/staff', {
      method: 'POST',
      token: tokens.admin,
      json: { email, name: 'Operator Two', role: 'hotline_operator' },
    });
    const other = (
      await stack.api('/api/v1/auth/login', { method: 'POST', json: { email, password: created.body.temporaryPassword as string } })
    ).body.token as string;
    const logCall = async (token: string, notes: string) => {
      const res = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token,
        json: { caller: { name: 'Đỗ Hạnh', phone: '0912000333' }, notes, callId: `c-${randomUUID()}` },
      });
      expect(res.status).toBe(202);
      const caseNumber = (res.body as { caseNumber: string }).caseNumber;
      await waitFor('the case', () => stack.db.cases.findByCaseNumber(caseNumber), { timeoutMs: 20_000 });
      return caseNumber;
    };
    const mine = await logCall(tokens.hotline_operator, 'Tên miền không trỏ được về hosting mới.');
    const theirs = await logCall(other, 'Hóa đơn tháng này bị tính hai lần.');
    const listed = async (token: string, query = '') =>
      ((await stack.api(`/api/v1/cases?pageSize=100${query}`, { token })).body as { items: Array<{ caseNumber: string }> }).items.map(
        (c) => c.caseNumber,
      );

    const operatorList = await listed(tokens.hotline_operator);
    expect(operatorList).toContain(mine);
    expect(operatorList).not.toContain(theirs);
    expect(await listed(other)).toEqual([theirs]);
    expect(await listed(tokens.postal_clerk)).toEqual([]); // a clerk recorded none of these
    // A lookup by case number: the customer on the phone gives it (to reopen, to ask about the answer).
    expect(await listed(tokens.hotline_operator, `&q=${theirs}`)).toEqual([theirs]);
    expect(await listed(tokens.postal_clerk, `&q=${mine}`)).toEqual([mine]);
    expect((await stack.api(`/api/v1/cases/${theirs}`, { token: tokens.hotline_operator })).status).toBe(200);
    // Browsing the departments' work is not theirs: filters and free-text search are refused.
    for (const query of [`&department=${DEPT}`, '&status=routed', '&q=hosting', '&escalated=true']) {
      expect((await stack.api(`/api/v1/cases?pageSize=10${query}`, { token: tokens.hotline_operator })).status).toBe(403);
    }
    // The control: customer support lists every department's cases.
    expect(await listed(tokens.cs_agent, `&q=${theirs}`)).toEqual([theirs]);
    expect(await listed(tokens.cs_agent, `&q=${mine}`)).toEqual([mine]);
  }, 60_000);

  it('/staff-cases sends each socket the case events of its HTTP list scope: operators and clerks their own records, department staff their department, the others all', async () => {
    const staffIdOf = async (token: string) =>
      ((await stack.api('/api/v1/auth/me', { token })).body as { staff: StaffPrincipal }).staff.staffId;
    // A second operator, who records nothing here, beside the one who logs the call.
    const email = `operator.${randomUUID().slice(0, 8)}@test.local`;
    const made = await stack.api('/api/v1/admin/staff', {
      method: 'POST',
      token: tokens.admin,
      json: { email, name: 'Operator Three', role: 'hotline_operator' },
    });
    const otherOperator = (
      await stack.api('/api/v1/auth/login', { method: 'POST', json: { email, password: made.body.temporaryPassword as string } })
    ).body.token as string;
    const departments = [...DEFAULT_DEPARTMENTS, TRIAGE];
    const watchers: Array<{ name: string; token: string; barrier: Omit<CaseChangedEvent, 'caseNumber' | 'at'> }> = [];
    const barrierOf = (departments: string[], recordedBy?: string): Omit<CaseChangedEvent, 'caseNumber' | 'at'> => ({
      action: 'note',
      status: 'routed',
      department: departments[0] ?? TRIAGE,
      version: 1,
      departments,
      ...(recordedBy ? { recordedBy } : {}),
    });
    for (const role of ['hotline_operator', 'postal_clerk'] as const)
      watchers.push({ name: role, token: tokens[role], barrier: barrierOf([TRIAGE], await staffIdOf(tokens[role])) });
    watchers.push({ name: 'other operator', token: otherOperator, barrier: barrierOf([TRIAGE], await staffIdOf(otherOperator)) });
    for (const d of departments)
      watchers.push({ name: `department_staff ${d}`, token: await stack.tokenFor('department_staff', d), barrier: barrierOf([d]) });
    for (const role of ['cs_agent', 'supervisor', 'admin'] as const)
      watchers.push({ name: role, token: tokens[role], barrier: barrierOf([TRIAGE]) });

    const sockets = watchers.map((w) => {
      const socket = io(`${stack.url}${CASE_EVENTS_NAMESPACE}`, {
        auth: { token: w.token },
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      const events: CaseChangedEvent[] = [];
      socket.on(CASE_EVENTS.changed, (e: CaseChangedEvent) => events.push(e));
      return { ...w, socket, events };
    });
    try {
      await waitFor('every /staff-cases socket connected', () => sockets.every((s) => s.socket.connected));
      // A call logged by the first operator (the worker inserts the case: `receive`), then a note by customer support (the gateway).
      const res = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token: tokens.hotline_operator,
        json: {
          caller: { name: 'Phạm Thu', phone: '0913000444' },
          notes: 'Email công ty không gửi được ra ngoài.',
          callId: `c-${randomUUID()}`,
        },
      });
      expect(res.status).toBe(202);
      const caseNumber = (res.body as { caseNumber: string }).caseNumber;
      const record = await waitFor('the case', () => stack.db.cases.findByCaseNumber(caseNumber), { timeoutMs: 20_000 });
      const noted = await stack.api(`/api/v1/cases/${caseNumber}/notes`, {
        method: 'POST',
        token: tokens.cs_agent,
        json: { text: 'Đã gọi lại khách.' },
      });
      expect(noted.status).toBe(200);
      const actionsSeen = (s: (typeof sockets)[number]) => s.events.filter((e) => e.caseNumber === caseNumber).map((e) => e.action);
      const admin = sockets.find((s) => s.name === 'admin')!;
      await waitFor('both events at an admin socket', () => actionsSeen(admin).length === 2 || undefined, { timeoutMs: 20_000 });

      // Then one event each socket is in scope for, published after the case's: once a socket has its own,
      // it has had every earlier event it was going to get (one pub/sub channel, in order per socket).
      const redis = createRedisConnection(stack.redisUrl, 'worker');
      const publisher = new CaseEventPublisher(redis, stack.prefix, (err) => {
        throw err;
      });
      try {
        sockets.forEach((s, i) =>
          publisher.publish({ ...s.barrier, caseNumber: `KN99-9${String(i).padStart(4, '0')}`, at: new Date().toISOString() }),
        );
        await waitFor(
          'each socket its barrier event',
          () => sockets.every((s, i) => s.events.some((e) => e.caseNumber === `KN99-9${String(i).padStart(4, '0')}`)) || undefined,
          { timeoutMs: 20_000 },
        );
      } finally {
        redis.disconnect();
      }
      const inScope = (name: string) =>
        name === 'hotline_operator' ||
        ['cs_agent', 'supervisor', 'admin'].includes(name) ||
        name === `department_staff ${record.department}`;
      expect(sockets.map((s) => [s.name, actionsSeen(s)])).toEqual(
        sockets.map((s) => [s.name, inScope(s.name) ? ['receive', 'note'] : []]),
      );
    } finally {
      sockets.forEach((s) => s.socket.disconnect());
    }
  }, 90_000);
});
