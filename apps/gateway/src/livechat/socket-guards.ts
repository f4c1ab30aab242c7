import proxyaddr from 'proxy-addr';
import type { DefaultEventsMap, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { LivechatAck, LivechatError } from '@cg/contracts';
import type { TrustProxy } from '../http/trust-proxy';
import { LivechatRefusal } from './livechat-service';

type Ack = (response: LivechatAck<Record<string, unknown>>) => void;

/** The acknowledgement callback of a socket.io event: its last argument, when the client sent one. */
export function ackOf(args: readonly unknown[]): Ack | undefined {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as Ack) : undefined;
}

/** What guardedHandler keeps on a connection: how many of its requests are running. */
export interface GuardedSocketData {
  inFlight?: number;
}

/**
 * Wraps a socket event handler: validates the payload with the schema, limits how many of the
 * socket's requests run at once, turns refusals into `{ ok: false, error }` acknowledgements
 * (or a `livechat:error` event when the client asked for no acknowledgement), and never lets
 * an exception escape into socket.io.
 */
export function guardedHandler<S extends z.ZodType>(
  socket: Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, GuardedSocketData>,
  logger: Logger,
  opts: { event: string; schema: S; maxInFlight: number; errorEvent: string },
  handler: (payload: z.infer<S>) => Promise<Record<string, unknown>>,
): (...args: unknown[]) => void {
  const shared = sharedGuardedHandler(logger, opts, (_socket, payload) => handler(payload));
  return (...args: unknown[]) => shared.apply(socket, args);
}

/**
 * guardedHandler made once for every socket of a namespace: socket.io calls an event's listener
 * with the socket as `this`, so one function serves them all, and a connection holds no closure
 * of its own per event (issue 12: 2,000 visitor sockets each held five).
 */
export function sharedGuardedHandler<
  S extends z.ZodType,
  T extends Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, GuardedSocketData>,
>(
  logger: Logger,
  opts: { event: string; schema: S; maxInFlight: number; errorEvent: string },
  handler: (socket: T, payload: z.infer<S>) => Promise<Record<string, unknown>>,
): (this: T, ...args: unknown[]) => void {
  const run = (socket: T, args: unknown[]): void => {
    const ack = ackOf(args);
    const payload = args[0];
    const fail = (error: LivechatError) => {
      if (ack) ack({ ok: false, error });
      else socket.emit(opts.errorEvent, { event: opts.event, ...error });
    };
    const parsed = opts.schema.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail({
        code: 'invalid_payload',
        message: `${opts.event}: ${issue?.message ?? 'invalid payload'}`,
        retryable: false,
        ...(issue?.path.length ? { field: issue.path.join('.') } : {}),
      });
      return;
    }
    const inFlight = socket.data.inFlight ?? 0;
    if (inFlight >= opts.maxInFlight) {
      fail({
        code: 'too_many_in_flight',
        message: 'too many requests at once on this connection; wait for the answers',
        retryable: true,
        retryAfterMs: 500,
      });
      return;
    }
    socket.data.inFlight = inFlight + 1;
    handler(socket, parsed.data)
      .then((result) => ack?.({ ok: true, ...result }))
      .catch((err: unknown) => {
        if (err instanceof LivechatRefusal) return fail(err.error);
        logger.error({ err, event: opts.event, socket: socket.id }, 'livechat handler failed');
        fail({
          code: 'storage_unavailable',
          message: 'the message could not be saved; it will be retried',
          retryable: true,
          retryAfterMs: 2000,
        });
      })
      .finally(() => {
        socket.data.inFlight = (socket.data.inFlight ?? 1) - 1;
      });
  };
  return function (this: T, ...args: unknown[]) {
    run(this, args);
  };
}

/**
 * The client's address as express computes `req.ip` (proxy-addr over the handshake request, with
 * the same compiled TRUST_PROXY): X-Forwarded-For is walked from the right only through trusted
 * proxies, so a client cannot pick its own address by writing the header.
 */
export function clientAddress(socket: Socket, trust: TrustProxy): string {
  try {
    return proxyaddr(socket.request, trust) || socket.handshake.address || 'unknown';
  } catch {
    return socket.handshake.address || 'unknown';
  }
}

/** A connect_error the client can act on (`err.data.code`). */
export function connectError(code: LivechatError['code'], message: string, retryable = false): Error & { data: LivechatError } {
  const err = new Error(message) as Error & { data: LivechatError };
  err.data = { code, message, retryable };
  return err;
}
