import { useEffect, useRef } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { CASE_EVENTS, CASE_EVENTS_NAMESPACE, type CaseChangedEvent } from '@cg/contracts';

type Listener = (event: CaseChangedEvent | 'reconnected') => void;

/** Screens listening (kept apart from the socket: screens mount before the session's stream starts). */
const listeners = new Set<Listener>();

/**
 * Live case updates for the signed-in member of staff: one socket (`/staff-cases`) for the whole
 * session. Screens subscribe and read again what an event concerns; after a reconnect they read
 * again anyway (pub/sub does not replay what was missed while offline).
 */
class CaseEventStream {
  private socket: Socket | null = null;
  private closed = false;
  private connectedOnce = false;

  constructor(
    private readonly token: string,
    private readonly onUnauthorized: (message: string) => void,
  ) {}

  async connect(): Promise<void> {
    const { io } = await import('socket.io-client');
    if (this.closed) return;
    const socket = io(CASE_EVENTS_NAMESPACE, { auth: { token: this.token }, transports: ['websocket', 'polling'] });
    this.socket = socket;
    socket.on('connect', () => {
      if (this.connectedOnce) listeners.forEach((l) => l('reconnected'));
      this.connectedOnce = true;
    });
    socket.on(CASE_EVENTS.changed, (event: CaseChangedEvent) => listeners.forEach((l) => l(event)));
    const refused = (message: string) => {
      socket.disconnect();
      this.onUnauthorized(message);
    };
    socket.on(CASE_EVENTS.unauthorized, (p: { message?: string }) => refused(p.message ?? 'sign-in expired'));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (err.data?.code === 'unauthenticated' || err.data?.code === 'forbidden') refused(err.message);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.disconnect();
    this.socket = null;
  }
}

let stream: CaseEventStream | null = null;

/** Starts the session's stream (after sign-in). */
export function connectCaseEvents(token: string, onUnauthorized: (message: string) => void): void {
  if (stream) return;
  stream = new CaseEventStream(token, onUnauthorized);
  void stream.connect();
}

/** Sign-out: the stream closes. */
export function disconnectCaseEvents(): void {
  stream?.close();
  stream = null;
}

/** Calls `onEvent` for every case change this member of staff may see ('reconnected': read everything again). */
export function useCaseEvents(onEvent: Listener): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    const listener: Listener = (e) => latest.current(e);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
}
