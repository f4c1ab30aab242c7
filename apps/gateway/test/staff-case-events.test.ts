import { io, type Socket } from 'socket.io-client';
import { CASE_EVENTS, CASE_EVENTS_NAMESPACE, type CaseChangedEvent, type StaffRole } from '@cg/contracts';
import { StaffTokenService } from '@cg/core';
import { CaseEventPublisher, createRedisConnection, type RedisClient } from '@cg/queue';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/** Known to the test so it can sign short-lived tokens the gateways accept. */
const SECRET = 'staff-case-events-test-secret-0123456789abcdef';

interface Listener {
  socket: Socket;
  events: CaseChangedEvent[];
  unauthorized: unknown[];
  disconnects: string[];
  connectError?: { code?: string };
}

/**
 * Live case updates on real Redis, FerretDB and two gateway nodes: new cases from the workers
 * and changes made through the API reach staff sockets on every node; department staff get
 * only their department's cases; a bad token never connects and an expired one is dropped.
 */
describe('live case updates for staff (/staff-cases)', () => {
  let stack: TestStack;
  let redis: RedisClient;
  let publisher: CaseEventPublisher;
  const listeners: Listener[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ env: { AUTH_TOKEN_SECRET: SECRET } });
    redis = createRedisConnection(stack.redisUrl, 'worker');
    publisher = new CaseEventPublisher(redis, stack.prefix, (err) => {
      throw err;
    });
  });
  afterAll(async () => {
    listeners.forEach((l) => l.socket.disconnect());
    redis?.disconnect();
    await stack?.close();
  });

  function listen(url: string, token: string): Listener {
    const socket = io(`${url}${CASE_EVENTS_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const l: Listener = { socket, events: [], unauthorized: [], disconnects: [] };
    socket.on(CASE_EVENTS.changed, (e: CaseChangedEvent) => l.events.push(e));
    socket.on(CASE_EVENTS.unauthorized, (p: unknown) => l.unauthorized.push(p));
    socket.on('disconnect', (reason) => l.disconnects.push(reason));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => (l.connectError = err.data ?? { code: err.message }));
    listeners.push(l);
    return l;
  }

  const connected = (l: Listener) => waitFor('socket connected', () => l.socket.connected);

  function event(caseNumber: string, departments: string[]): CaseChangedEvent {
    return {
      caseNumber,
      action: 'note',
      status: 'routed',
      department: departments[0]!,
      version: 1,
      departments,
      at: new Date().toISOString(),
    };
  }

  it('refuses a connection without a valid staff token', async () => {
    const l = listen(stack.url, 'not-a-token');
    await waitFor('connect error', () => l.connectError);
    expect(l.connectError?.code).toBe('unauthenticated');
    expect(l.socket.connected).toBe(false);
  });

  it('brings new cases (workers) and API changes (gateway) to sockets on every node; department staff see their department only', async () => {
    const second = await stack.startGateway();
    const secondUrl = `http://127.0.0.1:${(second.server.address() as { port: number }).port}`;
    const supervisorToken = await stack.tokenFor('supervisor');
    const onFirst = listen(stack.url, supervisorToken);
    const onSecond = listen(secondUrl, supervisorToken);
    const domainStaff = listen(secondUrl, await stack.tokenFor('department_staff', 'domain'));
    await Promise.all([onFirst, onSecond, domainStaff].map(connected));

    // A call logged on the first node becomes a case in the workers: both nodes' sockets hear of it.
    const operator = await stack.tokenFor('hotline_operator');
    const call = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Lê Thị Hoa', phone: '0903 222 111' }, notes: 'Hóa đơn tháng 11 bị tính hai lần, nhờ hoàn tiền.' },
    });
    expect(call.status).toBe(202);
    const caseNumber = (call.body as { caseNumber: string }).caseNumber;
    for (const l of [onFirst, onSecond]) {
      const created = await waitFor('the new case at every node', () => l.events.find((e) => e.caseNumber === caseNumber));
      expect(created.action).toBe('receive');
    }

    // A change through the API (second node) reaches the first node's socket, with the new version.
    const note = await stack.api(`/api/v1/cases/${caseNumber}/notes`, {
      method: 'POST',
      token: supervisorToken,
      json: { text: 'Đã chuyển kế toán kiểm tra.' },
    });
    expect(note.status).toBe(200);
    const noted = await waitFor('the note event', () => onFirst.events.find((e) => e.caseNumber === caseNumber && e.action === 'note'));
    expect(noted.version).toBe((note.body as { version: number }).version);

    // Department staff: another department's case is not delivered, their own is.
    publisher.publish(event('KN26-90001', ['billing']));
    publisher.publish(event('KN26-90002', ['hosting', 'domain']));
    await waitFor('the domain case at the domain staff', () => domainStaff.events.find((e) => e.caseNumber === 'KN26-90002'));
    await waitFor('both at the supervisor', () => onSecond.events.some((e) => e.caseNumber === 'KN26-90001'));
    expect(domainStaff.events.map((e) => e.caseNumber)).not.toContain('KN26-90001');
  });

  it('drops a socket whose token expired, at the next event, and tells it why', async () => {
    const shortLived = new StaffTokenService(SECRET, 1);
    const role: StaffRole = 'cs_agent';
    // A real account (every token's account is checked: enabled, same token version); only the token is short-lived.
    await stack.tokenFor(role);
    const account = await stack.db.staffUsers.findAccountByEmail(`${role}.all@test.local`);
    const { token } = shortLived.issue({ staffId: account!.id, email: account!.email, name: account!.name, role });
    const l = listen(stack.url, token);
    await connected(l);
    publisher.publish(event('KN26-90003', ['domain']));
    await waitFor('the event while the token is valid', () => l.events.find((e) => e.caseNumber === 'KN26-90003'));

    await waitFor('the token to expire', () => shortLived.verify(token) === null, { timeoutMs: 5000, intervalMs: 100 });
    publisher.publish(event('KN26-90004', ['domain']));
    await waitFor('the socket to be told and dropped', () => l.unauthorized.length > 0 && !l.socket.connected);
    expect(l.unauthorized[0]).toMatchObject({ code: 'unauthenticated' });
    expect(l.disconnects).toEqual(['io server disconnect']);
    expect(l.events.map((e) => e.caseNumber)).not.toContain('KN26-90004');
  });
});
