import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import {
  CASE_EVENTS,
  CASE_EVENTS_NAMESPACE,
  DEFAULT_DEPARTMENTS,
  DEFAULT_ROOT_CAUSES,
  LIVECHAT_EVENTS,
  LIVECHAT_NAMESPACES,
} from '@cg/contracts';
import { StaffAccounts } from '@cg/core';
import { RedisCaseLock } from '@cg/queue';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import { setStaffUserActive } from '../../cli/src/commands/staff-users';

/**
 * The admin screens' API on real Redis and FerretDB: staff accounts (create, change, disable,
 * reset), department settings, the root-cause list used by close, and token revocation — a
 * disabled or changed account's old token answers 401 on HTTP and its sockets are dropped on
 * their next event.
 */
describe('admin: staff accounts, departments, root causes; token revocation', () => {
  let stack: TestStack;
  let admin: string;
  let supervisor: string;
  let operator: string;
  let agent: string;
  let redis: Redis;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await stack.tokenFor('admin');
    supervisor = await stack.tokenFor('supervisor');
    operator = await stack.tokenFor('hotline_operator');
    agent = await stack.tokenFor('cs_agent');
    redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    redis?.disconnect();
    await stack?.close();
  });

  const api = (method: string, path: string, token: string | undefined, json?: unknown) =>
    stack.api(path, { method, ...(token ? { token } : {}), ...(json !== undefined ? { json } : {}) });
  const login = (email: string, password: string) => api('POST', '/api/v1/auth/login', undefined, { email, password });
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

  /** A new account made through the API, signed in; returns its id, e-mail, password and token. */
  async function newStaff(role: string, extra: Record<string, unknown> = {}) {
    const email = `${role}.${randomUUID().slice(0, 8)}@test.local`;
    const created = await api('POST', '/api/v1/admin/staff', admin, { email, name: `Nhân viên ${role}`, role, ...extra });
    expect(created.status).toBe(201);
    const password = created.body.temporaryPassword as string;
    const signedIn = await login(email, password);
    expect(signedIn.status).toBe(200);
    return { id: created.body.account.id as string, email, password, token: signedIn.body.token as string };
  }

  function caseSocket(token: string) {
    const socket = io(`${stack.url}${CASE_EVENTS_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(socket);
    const seen = { unauthorized: [] as unknown[], disconnected: false };
    socket.on(CASE_EVENTS.unauthorized, (p: unknown) => seen.unauthorized.push(p));
    socket.on('disconnect', () => (seen.disconnected = true));
    return { socket, seen };
  }

  it('creates an account (temporary password shown once), lists it without its hash, and it signs in with its role', async () => {
    const email = `Lan.${randomUUID().slice(0, 6)}@Test.Local`;
    const created = await api('POST', '/api/v1/admin/staff', admin, {
      email,
      name: 'Nguyễn Thị Lan',
      role: 'department_staff',
      department: 'hosting',
      title: 'Kỹ thuật viên',
    });
    expect(created.status).toBe(201);
    expect(created.body.account).toMatchObject({
      email: email.toLowerCase(),
      name: 'Nguyễn Thị Lan',
      role: 'department_staff',
      department: 'hosting',
      title: 'Kỹ thuật viên',
      active: true,
    });
    expect(created.body.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{18}$/);
    const signedIn = await login(email, created.body.temporaryPassword);
    expect(signedIn.body.staff).toMatchObject({ role: 'department_staff', department: 'hosting' });

    const list = await api('GET', '/api/v1/admin/staff', admin);
    expect(list.status).toBe(200);
    const row = list.body.items.find((a: { email: string }) => a.email === email.toLowerCase());
    expect(row).toMatchObject({ id: created.body.account.id, active: true });
    expect(row.lastLoginAt).toEqual(expect.any(String));
    expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|argon2/);

    const given = await api('POST', '/api/v1/admin/staff', admin, {
      email: `given.${randomUUID().slice(0, 6)}@test.local`,
      name: 'Given',
      role: 'cs_agent',
      password: 'a-chosen-password',
    });
    expect(given.status).toBe(201);
    expect(given.body.temporaryPassword).toBeUndefined();
    expect((await api('POST', '/api/v1/admin/staff', admin, { email, name: 'Again', role: 'cs_agent' })).status).toBe(409);
  });

  it.each([
    [{ email: 'not-an-email' }, ['email']],
    [{ name: '' }, ['name']],
    [{ role: 'boss' }, ['role']],
    [{ role: 'department_staff', department: 'Not A Code' }, ['department']],
    [{ role: 'department_staff', department: 'marketing' }, ['department']],
    [{ role: 'department_staff' }, ['department']],
    [{ role: 'cs_agent', department: 'hosting' }, ['department']],
    [{ password: 'short' }, ['password']],
    [{ title: 'x'.repeat(201) }, ['title']],
    [{ isAdmin: true }, ['(body)']],
  ])('refuses a new account with %j: 400 naming %j', async (bad, named) => {
    const body = { email: `bad.${randomUUID().slice(0, 6)}@test.local`, name: 'Bad', role: 'cs_agent', ...bad };
    const res = await api('POST', '/api/v1/admin/staff', admin, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(fields(res.body)).toEqual(named);
  });

  it('refuses bad changes of an account, department settings and root causes: 400 naming each field, 404 unknown', async () => {
    const { id } = await newStaff('cs_agent');
    const cases: [string, string, unknown, string[]][] = [
      ['PATCH', `/api/v1/admin/staff/${id}`, {}, ['(body)']],
      ['PATCH', `/api/v1/admin/staff/${id}`, { role: 'root' }, ['role']],
      ['PATCH', `/api/v1/admin/staff/${id}`, { name: '  ' }, ['name']],
      ['PATCH', `/api/v1/admin/staff/${id}`, { role: 'department_staff' }, ['department']],
      ['PATCH', '/api/v1/admin/staff/123', { name: 'X' }, ['id']],
      ['POST', `/api/v1/admin/staff/${id}/password`, { password: 'short' }, ['password']],
      ['POST', `/api/v1/admin/staff/${id}/disable`, { now: true }, ['(body)']],
      ['PUT', '/api/v1/admin/departments/hosting', { autoAssign: 'yes', assignCap: 5 }, ['autoAssign']],
      ['PUT', '/api/v1/admin/departments/hosting', { autoAssign: true, assignCap: 0 }, ['assignCap']],
      ['PUT', '/api/v1/admin/departments/hosting', { autoAssign: true, assignCap: 2.5 }, ['assignCap']],
      ['PUT', '/api/v1/admin/departments/hosting', { autoAssign: true }, ['assignCap']],
      ['PUT', '/api/v1/admin/departments/Hosting!', { autoAssign: true, assignCap: 3 }, ['department']],
      ['POST', '/api/v1/admin/root-causes', { code: 'Bad Code', labelVi: 'x', labelEn: 'x' }, ['code']],
      ['POST', '/api/v1/admin/root-causes', { code: 'late_delivery', labelVi: '', labelEn: '' }, ['labelEn', 'labelVi']],
      ['PATCH', '/api/v1/admin/root-causes/billing_error', { active: 'no' }, ['active']],
    ];
    for (const [method, path, body, named] of cases) {
      const res = await api(method, path, admin, body);
      expect({ method, path, body, status: res.status, fields: fields(res.body) }).toEqual({
        method,
        path,
        body,
        status: 400,
        fields: named,
      });
    }
    expect((await api('PATCH', '/api/v1/admin/staff/0123456789abcdef01234567', admin, { name: 'X' })).status).toBe(404);
    expect((await api('PUT', '/api/v1/admin/departments/marketing', admin, { autoAssign: true, assignCap: 3 })).status).toBe(404);
    expect((await api('PATCH', '/api/v1/admin/root-causes/no_such_cause', admin, { active: false })).status).toBe(404);
    expect((await api('POST', '/api/v1/admin/root-causes', admin, { code: 'billing_error', labelVi: 'x', labelEn: 'x' })).status).toBe(409);
  });

  it('answers 403 to every other role and 401 without a token, on every admin route', async () => {
    const id = '0123456789abcdef01234567';
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/admin/staff'],
      ['POST', '/api/v1/admin/staff', { email: 'x@test.local', name: 'X', role: 'admin' }],
      ['PATCH', `/api/v1/admin/staff/${id}`, { role: 'admin' }],
      ['POST', `/api/v1/admin/staff/${id}/disable`, {}],
      ['POST', `/api/v1/admin/staff/${id}/enable`, {}],
      ['POST', `/api/v1/admin/staff/${id}/password`, {}],
      ['GET', '/api/v1/admin/departments'],
      ['PUT', '/api/v1/admin/departments/hosting', { autoAssign: true, assignCap: 3 }],
      ['GET', '/api/v1/admin/root-causes'],
      ['POST', '/api/v1/admin/root-causes', { code: 'x_cause', labelVi: 'x', labelEn: 'x' }],
      ['PATCH', '/api/v1/admin/root-causes/billing_error', { active: false }],
    ];
    const others = await Promise.all(
      (['hotline_operator', 'postal_clerk', 'cs_agent', 'supervisor'] as const).map((r) => stack.tokenFor(r)),
    );
    others.push(await stack.tokenFor('department_staff', 'hosting'));
    for (const [method, path, body] of routes) {
      for (const token of others)
        expect({ method, path, status: (await api(method, path, token, body)).status }).toEqual({ method, path, status: 403 });
      expect({ method, path, status: (await api(method, path, undefined, body)).status }).toEqual({ method, path, status: 401 });
    }
    // Nothing was changed by the refused requests.
    expect((await stack.db.departmentSettings.find('hosting')).configured).toBe(false);
    expect(await stack.db.rootCauses.isActive('billing_error')).toBe(true);
  });

  it('a disabled account: its token answers 401, its sockets are dropped on their next event, and it cannot sign in; enabling lets it sign in again', async () => {
    const user = await newStaff('cs_agent');
    expect((await api('GET', '/api/v1/cases', user.token)).status).toBe(200);
    const cases = caseSocket(user.token);
    const agentSocket = io(`${stack.url}${LIVECHAT_NAMESPACES.staff}`, {
      auth: { token: user.token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(agentSocket);
    await waitFor('both sockets connected', () => cases.socket.connected && agentSocket.connected);
    const listed = (await agentSocket.timeout(5000).emitWithAck(LIVECHAT_EVENTS.listConversations, {})) as { ok: boolean };
    expect(listed.ok).toBe(true);

    const disabled = await api('POST', `/api/v1/admin/staff/${user.id}/disable`, admin, {});
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ active: false });

    const refused = await api('GET', '/api/v1/cases', user.token);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/revoked/);
    expect((await login(user.email, user.password)).status).toBe(401);

    // Livechat agent namespace: the next event is refused and the socket disconnected.
    let agentDisconnected = false;
    agentSocket.on('disconnect', () => (agentDisconnected = true));
    const answer = (await agentSocket.timeout(5000).emitWithAck(LIVECHAT_EVENTS.listConversations, {})) as {
      ok: boolean;
      error?: { code: string };
    };
    expect(answer).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await waitFor('agent socket disconnected', () => agentDisconnected);

    // /staff-cases: any event the socket sends re-checks the account.
    cases.socket.emit('ping-anything');
    await waitFor('case socket told and disconnected', () => cases.seen.disconnected && cases.seen.unauthorized.length > 0);
    expect(cases.seen.unauthorized[0]).toMatchObject({ code: 'unauthenticated' });

    // A new connection with the old token is refused at the handshake.
    const again = caseSocket(user.token);
    const connectError = await new Promise<{ code?: string }>((resolve) =>
      again.socket.on('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data ?? {})),
    );
    expect(connectError.code).toBe('unauthenticated');

    expect((await api('POST', `/api/v1/admin/staff/${user.id}/enable`, admin, {})).body).toMatchObject({ active: true });
    expect((await api('GET', '/api/v1/cases', user.token)).status).toBe(401); // the old token stays revoked
    const back = await login(user.email, user.password);
    expect(back.status).toBe(200);
    expect((await api('GET', '/api/v1/cases', back.body.token)).status).toBe(200);
  });

  it('a changed role or department, or a reset password, ends the old token; the new sign-in carries the change', async () => {
    const user = await newStaff('cs_agent');
    const changed = await api('PATCH', `/api/v1/admin/staff/${user.id}`, admin, { role: 'supervisor', title: 'Trưởng nhóm' });
    expect(changed.body).toMatchObject({ role: 'supervisor', title: 'Trưởng nhóm' });
    expect((await api('GET', '/api/v1/cases', user.token)).status).toBe(401);
    const relogged = await login(user.email, user.password);
    expect(relogged.body.staff.role).toBe('supervisor');

    // A title alone changes nothing a token says: it keeps working.
    expect((await api('PATCH', `/api/v1/admin/staff/${user.id}`, admin, { title: 'Giám sát' })).status).toBe(200);
    expect((await api('GET', '/api/v1/cases', relogged.body.token)).status).toBe(200);

    const toDept = await api('PATCH', `/api/v1/admin/staff/${user.id}`, admin, { role: 'department_staff', department: 'billing' });
    expect(toDept.body).toMatchObject({ role: 'department_staff', department: 'billing' });
    expect((await api('GET', '/api/v1/cases', relogged.body.token)).status).toBe(401);
    const asDept = await login(user.email, user.password);
    expect(asDept.body.staff).toMatchObject({ role: 'department_staff', department: 'billing' });
    // Leaving department_staff drops the department.
    const back = await api('PATCH', `/api/v1/admin/staff/${user.id}`, admin, { role: 'cs_agent' });
    expect(back.body.role).toBe('cs_agent');
    expect(back.body.department).toBeUndefined();

    const reset = await api('POST', `/api/v1/admin/staff/${user.id}/password`, admin, {});
    expect(reset.body.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{18}$/);
    expect((await login(user.email, user.password)).status).toBe(401);
    const fresh = await login(user.email, reset.body.temporaryPassword);
    expect(fresh.status).toBe(200);
    expect((await api('GET', '/api/v1/cases', asDept.body.token)).status).toBe(401);
    expect((await api('GET', '/api/v1/cases', fresh.body.token)).status).toBe(200);
  });

  it('an admin cannot disable or demote their own account (409)', async () => {
    const me = (await api('GET', '/api/v1/auth/me', admin)).body;
    // /auth/me needs cases:read, which admins hold; it names the admin's id.
    expect(me.staff.role).toBe('admin');
    expect((await api('POST', `/api/v1/admin/staff/${me.staff.staffId}/disable`, admin, {})).status).toBe(409);
    expect((await api('PATCH', `/api/v1/admin/staff/${me.staff.staffId}`, admin, { role: 'cs_agent' })).status).toBe(409);
    expect((await api('GET', '/api/v1/admin/staff', admin)).status).toBe(200);
  });

  it('npm run cli -- user:disable: the token stops working (within the gateways’ few-second account cache)', async () => {
    const user = await newStaff('hotline_operator');
    expect((await api('GET', '/api/v1/cases', user.token)).status).toBe(200);
    const disabled = await setStaffUserActive(stack.db, redis, stack.prefix, user.email.toUpperCase(), false);
    expect(disabled).toMatchObject({ email: user.email, active: false });
    await waitFor('the old token refused', async () => (await api('GET', '/api/v1/cases', user.token)).status === 401);
    await expect(setStaffUserActive(stack.db, redis, stack.prefix, 'nobody@test.local', false)).rejects.toThrow(/--email/);
  });

  it('concurrent changes of one account on FerretDB (renames, titles, disable, password reset, sign-ins): none is lost', async () => {
    const user = await newStaff('cs_agent');
    const accounts = new StaffAccounts({
      store: stack.db.staffUsers,
      lock: new RedisCaseLock(redis, { prefix: `${stack.prefix}:admin` }),
      departments: () => DEFAULT_DEPARTMENTS,
    });
    const before = await stack.db.staffUsers.findAccount(user.id);
    await Promise.all([
      accounts.update(user.id, { name: 'Tên mới' }),
      accounts.update(user.id, { title: 'Chức danh mới' }),
      accounts.setActive(user.id, false),
      accounts.resetPassword(user.id, 'another-long-password'),
      ...Array.from({ length: 10 }, (_, i) => accounts.recordLogin(user.id, new Date(Date.UTC(2030, 0, 1, 0, 0, i)))),
    ]);
    const after = await stack.db.staffUsers.findAccount(user.id);
    expect(after).toMatchObject({ name: 'Tên mới', title: 'Chức danh mới', active: false, tokenVersion: before!.tokenVersion + 2 });
    expect(after!.version).toBe(before!.version + 14);
    expect((await api('GET', '/api/v1/cases', user.token)).status).toBe(401);
  });

  it('departments: every department with its settings (defaults until saved); saving is read back by settingsOf', async () => {
    const list = await api('GET', '/api/v1/admin/departments', admin);
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { department: string }) => d.department)).toEqual([...DEFAULT_DEPARTMENTS]);
    expect(list.body.items[0]).toMatchObject({ autoAssign: false, assignCap: 10, configured: false });

    const saved = await api('PUT', '/api/v1/admin/departments/domain', admin, { autoAssign: true, assignCap: 4 });
    expect(saved.body).toMatchObject({
      department: 'domain',
      autoAssign: true,
      assignCap: 4,
      configured: true,
      updatedBy: 'admin.all@test.local',
    });
    expect(await stack.db.departmentSettings.settingsOf('domain')).toEqual({ autoAssign: true, assignCap: 4 });
    expect(await stack.db.departmentSettings.settingsOf('sales')).toEqual({ autoAssign: false, assignCap: 10 });

    // Two admins at once on one department: one wins whole, nothing is half-written.
    await Promise.all([
      api('PUT', '/api/v1/admin/departments/email', admin, { autoAssign: true, assignCap: 7 }),
      api('PUT', '/api/v1/admin/departments/email', admin, { autoAssign: false, assignCap: 20 }),
    ]);
    expect([
      { autoAssign: true, assignCap: 7 },
      { autoAssign: false, assignCap: 20 },
    ]).toContainEqual(await stack.db.departmentSettings.settingsOf('email'));
  });

  it('root causes: seeded VI/EN; admins add and retire; close accepts active categories only; a retired one stays readable', async () => {
    const seeded = await api('GET', '/api/v1/root-causes', agent);
    expect(seeded.status).toBe(200);
    expect(seeded.body.items.map((c: { code: string }) => c.code)).toEqual([...DEFAULT_ROOT_CAUSES]);
    expect(seeded.body.items.find((c: { code: string }) => c.code === 'billing_error')).toMatchObject({
      labelVi: 'Sai sót thanh toán',
      labelEn: 'Billing error',
      active: true,
    });

    const added = await api('POST', '/api/v1/admin/root-causes', admin, {
      code: 'registrar_transfer_delay',
      labelVi: 'Chậm chuyển nhà đăng ký',
      labelEn: 'Registrar transfer delay',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ code: 'registrar_transfer_delay', active: true });
    // Two admins at once on one category: a relabel and a retirement both stay.
    await Promise.all([
      api('PATCH', '/api/v1/admin/root-causes/staff_error', admin, { active: false }),
      api('PATCH', '/api/v1/admin/root-causes/staff_error', admin, { labelEn: 'Our staff’s error' }),
    ]);
    expect(await stack.db.rootCauses.find('staff_error')).toMatchObject({ active: false, labelEn: 'Our staff’s error', version: 2 });

    // A hotline case resolved on the spot, then closed.
    const call = await api('POST', '/api/v1/hotline/calls', operator, {
      caller: { name: 'Trần Bình', phone: '0911000111' },
      notes: 'Hosting báo lỗi 500, website không truy cập được.',
      callId: `c-${randomUUID()}`,
    });
    expect(call.status).toBe(202);
    const caseNumber = call.body.caseNumber as string;
    await waitFor('the case', async () => (await api('GET', `/api/v1/cases/${caseNumber}`, agent)).status === 200);
    expect((await api('POST', `/api/v1/cases/${caseNumber}/resolve-on-contact`, agent, { note: 'Đã khởi động lại' })).body.status).toBe(
      'answered',
    );
    const close = (rootCause: string) =>
      api('POST', `/api/v1/cases/${caseNumber}/close`, agent, { rootCause, lessonLearned: 'Theo dõi máy chủ', customerAccepted: true });
    for (const refused of ['staff_error', 'no_such_category']) {
      const res = await close(refused);
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['rootCause']);
      expect(res.body.errors[0].message).toMatch(/registrar_transfer_delay/);
    }
    const closed = await close('registrar_transfer_delay');
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', rootCause: { category: 'registrar_transfer_delay' } });

    // Retiring the category later leaves the case and the category readable.
    expect((await api('PATCH', '/api/v1/admin/root-causes/registrar_transfer_delay', admin, { active: false })).body.active).toBe(false);
    expect((await api('GET', `/api/v1/cases/${caseNumber}`, agent)).body.rootCause.category).toBe('registrar_transfer_delay');
    const all = await api('GET', '/api/v1/admin/root-causes', admin);
    expect(all.body.items.find((c: { code: string }) => c.code === 'registrar_transfer_delay')).toMatchObject({
      active: false,
      labelEn: 'Registrar transfer delay',
    });
    expect((await api('GET', '/api/v1/root-causes', supervisor)).status).toBe(200);
    expect((await api('GET', '/api/v1/root-causes', undefined)).status).toBe(401);
  });
});
