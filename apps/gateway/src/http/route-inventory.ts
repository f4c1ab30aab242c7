import type { Express, RequestHandler } from 'express';
import type { Permission } from '@cg/core';
import { apiDocOf, type ApiRouteDoc } from './api-doc';
import { permissionOf } from './staff-auth';

/** One route of the running app, read from its express router (the one truth of what is served). */
export interface AppRoute {
  /** Upper case: GET, POST, PATCH, DELETE… */
  method: string;
  /** The full express path pattern, mount paths included: `/api/v1/cases/:caseNumber`. */
  path: string;
  /** Its apiDoc() (the first handler), if it has one. */
  doc?: ApiRouteDoc;
  /** The permission its requireStaff() guard asks for, if it has one. */
  permission?: Permission;
  /** A third-party router documented as a whole (Bull Board): its own sub-routes are not listed. */
  mount?: boolean;
}

interface RouterLayer {
  handle: RequestHandler & { stack?: RouterLayer[] };
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: unknown; method?: string }> };
}

const join = (prefix: string, path: string): string => (path === '/' ? prefix || '/' : `${prefix}${path}`);

function walk(stack: RouterLayer[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const handlers = layer.route.stack.map((l) => l.handle);
      const doc = handlers.map(apiDocOf).find(Boolean);
      const permission = handlers.map(permissionOf).find(Boolean);
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m] && m !== '_all')) {
        for (const p of paths) {
          out.push({
            method: method.toUpperCase(),
            path: join(prefix, String(p)),
            ...(doc ? { doc } : {}),
            ...(permission ? { permission } : {}),
          });
        }
      }
      continue;
    }
    // Mounted routers (express.Router() has a `stack`); plain middleware is not a route.
    if (!Array.isArray(layer.handle.stack)) continue;
    const mountPath = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
    const mountDoc = apiDocOf(layer.handle);
    if (mountDoc) {
      out.push({ method: 'GET', path: join(prefix, mountPath), doc: mountDoc, mount: true });
      continue;
    }
    walk(layer.handle.stack, mountPath === '/' ? prefix : `${prefix}${mountPath}`, out);
  }
}

/**
 * Every route the app serves, read from express's router stack (router 2.x layers keep their
 * mount path in `rawPath`). The OpenAPI document and the authorization matrix test both start
 * here, so a new route cannot be missed by either.
 */
export function appRoutes(app: Express): AppRoute[] {
  const out: AppRoute[] = [];
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '', out);
  return out;
}

/** `/cases/:caseNumber/attachments/:id` → `/cases/{caseNumber}/attachments/{id}`; `/console{/*screen}` → `/console/{screen}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/\{\/\*(\w+)\}/g, '/{$1}').replace(/:(\w+)/g, '{$1}');
}

/** The names of the path parameters of an express path. */
export function pathParams(expressPath: string): string[] {
  return [...openApiPath(expressPath).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
