import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { type z } from 'zod';

/** One bad field, named by its path in the request (e.g. `caller.phone`). */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** An HTTP error answered as an RFC 9457 problem document (`application/problem+json`). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export function validationProblem(where: 'body' | 'query' | 'params', error: z.ZodError): HttpProblem {
  const errors = error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : `(${where})`,
    code: issue.code,
    message: issue.message,
  }));
  return new HttpProblem(
    400,
    'validation_failed',
    `Invalid request ${where}`,
    `Fix these fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
    errors,
  );
}

/**
 * The fields (paths) of a request value holding a string with U+0000. FerretDB stores documents
 * as PostgreSQL jsonb, which cannot hold that character: a text with one passed validation and
 * failed at the write with a 500 (found by the fuzz tests, issue 11). Walked without recursion
 * and only 32 levels deep (a JSON body may nest thousands of levels; no schema goes that deep).
 */
function nulCharacterFields(value: unknown, where: string): string[] {
  const found: string[] = [];
  const pending: Array<[unknown, string[]]> = [[value, []]];
  while (pending.length && found.length < 20) {
    const [v, path] = pending.pop()!;
    if (path.length > 32) continue;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) found.push(path.length ? path.join('.') : `(${where})`);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => pending.push([item, [...path, String(i)]]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) pending.push([item, [...path, k]]);
    }
  }
  return found;
}

/** Parses `req[where]` with the schema or throws a 400 problem naming every bad field. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const nul = nulCharacterFields(value, where);
  if (nul.length) {
    throw new HttpProblem(
      400,
      'validation_failed',
      `Invalid request ${where}`,
      `Fix these fields: ${nul.join(', ')}`,
      nul.map((field) => ({ field, code: 'nul_character', message: 'contains the character U+0000, which cannot be stored' })),
    );
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(where, result.error);
  return result.data;
}

/**
 * 503 when the intake queue could not confirm the envelope in time. The add may still have
 * reached Redis, so the client is told to retry with the same key: the idempotency key makes
 * that retry return the same case number, never a second case.
 */
export function intakeUnavailableProblem(retry: string): HttpProblem {
  return new HttpProblem(
    503,
    'intake_unavailable',
    'Intake temporarily unavailable',
    `the complaint may or may not have been recorded; ${retry}`,
    undefined,
    { 'Retry-After': '5' },
  );
}

/** Answers with the problem document (plain node API: also used by the direct hotline route). */
export function sendProblem(res: ServerResponse, p: HttpProblem): void {
  const body = JSON.stringify({
    type: `urn:complaint-gateway:problem:${p.code}`,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
  });
  res.statusCode = p.status;
  for (const [name, value] of Object.entries(p.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, new HttpProblem(404, 'not_found', 'Not found', `no route for ${req.method} ${req.path}`));
};

/** The fields body-parser (http-errors) puts on what it throws; anything else thrown has none of them. */
function clientErrorFields(err: unknown): { status: number; type: string | undefined; message: string | undefined } {
  if (typeof err !== 'object' || err === null) return { status: 500, type: undefined, message: undefined };
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  return {
    status: typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500,
    type: typeof e.type === 'string' ? e.type : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
  };
}

/**
 * Every error as the problem to answer: an HttpProblem as it is, body-parser's client errors
 * (malformed JSON, too large, wrong charset) named as such, anything else a 500 that is logged,
 * not leaked.
 */
export function problemOf(err: unknown, logger: Logger, req: { method?: string; originalUrl?: string; url?: string }): HttpProblem {
  if (err instanceof HttpProblem) return err;
  const { status, type, message } = clientErrorFields(err);
  if (status >= 400 && status < 500) {
    const title =
      type === 'entity.parse.failed' ? 'Malformed JSON body' : type === 'entity.too.large' ? 'Request body too large' : 'Bad request';
    return new HttpProblem(status, type ?? 'bad_request', title, message, [
      { field: '(body)', code: type ?? 'invalid', message: message ?? '' },
    ]);
  }
  logger.error({ err, method: req.method, url: req.originalUrl ?? req.url }, 'unhandled error');
  return new HttpProblem(500, 'internal_error', 'Internal server error', 'the error was logged; nothing was recorded for this request');
}

/** Last middleware: every error becomes a problem document. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const problem = problemOf(err, logger, req);
    if (!res.headersSent) sendProblem(res, problem);
  };
}
