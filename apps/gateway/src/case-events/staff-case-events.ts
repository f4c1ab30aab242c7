import type { DefaultEventsMap, Namespace, Server, Socket } from 'socket.io';
import { CASE_EVENTS, CASE_EVENTS_NAMESPACE, type CaseChangedEvent } from '@cg/contracts';
import { hasPermission, type StaffPrincipal, type StaffTokenService } from '@cg/core';
import { subscribeCaseEvents } from '@cg/queue';
import { caseListScope, inCaseListScope } from '../http/case-list-scope';

interface CaseSocketData {
  staff: StaffPrincipal;
  token: string;
}
type CaseSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, CaseSocketData>;

export interface StaffCaseEventsDeps {
  tokens: StaffTokenService;
  redisUrl: string;
  prefix: string;
  /** How often every connection's token is checked again, events or not (default 30 s). */
  recheckMs?: number;
}

/**
 * Whether this member of staff may see the case the event is about: the scope of the HTTP case list
 * (department staff: their department and collaborations; hotline operators and postal clerks: the
 * cases they recorded; the others: all).
 */
function maySee(staff: StaffPrincipal, event: CaseChangedEvent): boolean {
  return inCaseListScope(caseListScope(staff), event);
}

/**
 * The staff console's live case updates (`/staff-cases`): a staff token with `cases:read` to
 * connect; the token is checked again before every event delivered to the socket, on every
 * event the socket sends, and every `recheckMs` — an expired or forged token is told so and
 * disconnected. Each node delivers what Redis pub/sub brings to its own sockets only (the
 * Redis streams adapter would copy every emit to every node, which already has the event).
 */
export function attachStaffCaseEvents(io: Server, deps: StaffCaseEventsDeps): { close(): Promise<void> } {
  const nsp = io.of(CASE_EVENTS_NAMESPACE) as Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, CaseSocketData>;
  const sockets = new Set<CaseSocket>();
  // With connection-state recovery on, socket.emit() goes through the adapter, which would first
  // write every event for every socket to the Redis stream (and send it after a round trip). The
  // event is already on every node: deliver it here, at once.
  const toThisSocket = (socket: CaseSocket) => nsp.local.to(socket.id);

  /**
   * The socket's token is still good: not expired, and its account still enabled with the same
   * token version (an admin disabled it, changed its role or department, reset its password);
   * else it is told and dropped. A failed account read keeps the socket but delivers nothing now.
   */
  const stillValid = async (socket: CaseSocket): Promise<boolean> => {
    const principal = deps.tokens.verify(socket.data.token);
    const current = principal ? await deps.tokens.isCurrent(principal).catch(() => null) : false;
    if (current === null) return false;
    if (principal && current && hasPermission(principal.role, 'cases:read')) return true;
    if (!sockets.has(socket)) return false; // told already
    toThisSocket(socket).emit(CASE_EVENTS.unauthorized, {
      code: 'unauthenticated',
      message: principal ? 'your sign-in was revoked (account disabled or changed); sign in again' : 'your sign-in expired; sign in again',
    });
    // Leaves the namespace after the message above is sent (closing the transport at once could drop it).
    socket.disconnect();
    sockets.delete(socket);
    return false;
  };

  nsp.use(async (socket, next) => {
    const offered = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof offered === 'string' ? offered : '';
    const fail = (code: string, message: string) => next(Object.assign(new Error(message), { data: { code, message } }));
    const principal = await deps.tokens.verifyCurrent(token).catch(() => null);
    if (!principal) return fail('unauthenticated', 'sign in first (POST /api/v1/auth/login) and connect with auth.token');
    if (!hasPermission(principal.role, 'cases:read')) return fail('forbidden', `role ${principal.role} lacks permission cases:read`);
    socket.data.staff = principal;
    socket.data.token = token;
    next();
  });

  nsp.on('connection', (socket) => {
    sockets.add(socket);
    // Nothing is asked of this namespace yet; any event still proves the token is alive.
    socket.use((_packet, next) => {
      void stillValid(socket).then((ok) => ok && next());
    });
    socket.on('disconnect', () => sockets.delete(socket));
  });

  const recheck = setInterval(() => sockets.forEach((s) => void stillValid(s)), deps.recheckMs ?? 30_000);
  recheck.unref();

  const subscription = subscribeCaseEvents(deps.redisUrl, deps.prefix, (event) => {
    for (const socket of sockets) {
      // Checks of one user share one read (and the cache), so events keep their order per socket.
      if (maySee(socket.data.staff, event))
        void stillValid(socket).then((ok) => ok && toThisSocket(socket).emit(CASE_EVENTS.changed, event));
    }
  });

  return {
    async close() {
      clearInterval(recheck);
      await subscription.close();
      for (const socket of sockets) socket.disconnect(true);
    },
  };
}
