import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's response headers (its defaults: no nonce, nothing taken from the request), worked out
 * once and set from that table on every response — the same headers as `app.use(helmet())`
 * without its chain of thirteen middlewares per request (issue 12: the hotline's cost per call).
 * Pages that need another Content-Security-Policy still set their own after it.
 */
function helmetHeaders(): { set: Array<[string, string]>; removed: string[] } {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const probe = {
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  let ran = false;
  helmet()({} as IncomingMessage, probe as unknown as ServerResponse, () => (ran = true));
  if (!ran) throw new Error('helmet did not finish synchronously: its headers cannot be worked out once');
  return { set, removed };
}

let table: ReturnType<typeof helmetHeaders> | undefined;

/** Sets helmet's headers on a response (the express middleware below, and the direct hotline route). */
export function setSecurityHeaders(res: ServerResponse): void {
  table ??= helmetHeaders();
  for (const [name, value] of table.set) res.setHeader(name, value);
  for (const name of table.removed) res.removeHeader(name);
}

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    setSecurityHeaders(res);
    next();
  };
}
