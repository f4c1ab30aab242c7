import type { RequestHandler } from 'express';
import type { z } from 'zod';

/** A request body the route reads: JSON by its zod schema, or another media type described in words. */
export type ApiBody = z.ZodType | { contentType: string; description: string; schema?: z.ZodType };

/**
 * What the OpenAPI document says about one route, written beside the route with the same zod
 * schemas its handler parses with (`parseRequest`). Security (bearer token, permission, roles)
 * is not written here: the document reads it from the route's `requireStaff()` guard.
 */
export interface ApiRouteDoc {
  summary: string;
  description?: string;
  /** Groups in the browsable page; default: the second path segment after /api/v1. */
  tag?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: ApiBody;
  /** Request headers the handler reads (e.g. Idempotency-Key), by their zod schema. */
  headers?: z.ZodType;
  /** Success answers by status; default `{ 200: 'OK' }`. A string is a JSON answer's description. */
  responses?: Record<number, string | { description: string; contentType: string }>;
  /** Who may call it without a staff token: a visitor token, a console cookie, or anyone. */
  auth?: 'public' | 'visitor' | 'console-session' | 'metrics-token';
}

const DOC = Symbol.for('cg.apiRouteDoc');

/**
 * First handler of a route: documents it (the OpenAPI generator reads it from the express router)
 * and does nothing else at request time.
 */
export function apiDoc(doc: ApiRouteDoc): RequestHandler {
  const handler: RequestHandler = (_req, _res, next) => next();
  return Object.assign(handler, { [DOC]: doc });
}

export function apiDocOf(handler: unknown): ApiRouteDoc | undefined {
  return typeof handler === 'function' ? (handler as { [DOC]?: ApiRouteDoc })[DOC] : undefined;
}
