import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'http' {
  interface IncomingMessage {
    /** The gateway's logger (routes add their own fields: correlation id, case number). */
    log: Logger;
  }
}

/**
 * One line per finished request — `warn` for 4xx, `error` for 5xx, `debug` otherwise — built only
 * when its level is enabled, and `req.log` for the routes. In place of pino-http, which made two
 * child loggers per request (serialising the request into each) before knowing whether anything
 * would be logged: with helmet it was about a fifth of the hotline's cost per call (issue 12).
 * Never logs headers: they carry bearer tokens. Unexpected errors are logged by problemErrorHandler.
 */
export function requestLog(logger: Logger, opts: { ignore?: (path: string) => boolean } = {}): RequestHandler {
  return (req, res, next) => {
    req.log = logger;
    if (!opts.ignore?.(req.path)) logWhenFinished(logger, req, res, req.originalUrl);
    next();
  };
}

/**
 * The request's one line, written when the response closes: node emits `close` after `finish`
 * and also when the connection goes first, so one listener sees both (issue 12: listeners per
 * request are part of the hotline's cost per call).
 */
export function logWhenFinished(logger: Logger, req: IncomingMessage, res: ServerResponse, url: string): void {
  const started = performance.now();
  res.once('close', () => {
    const aborted = !res.writableFinished;
    const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 || aborted ? 'warn' : 'debug';
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      { req: { method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) },
      aborted ? 'request aborted' : 'request completed',
    );
  });
}
