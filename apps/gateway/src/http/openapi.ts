import { dirname, join } from 'node:path';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Express } from 'express';
import { z } from 'zod';
import { STAFF_ROLES } from '@cg/contracts';
import { hasPermission, type Permission } from '@cg/core';
import { apiDoc, type ApiRouteDoc } from './api-doc';
import { HttpProblem } from './problem';
import { appRoutes, openApiPath, pathParams, type AppRoute } from './route-inventory';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const API_DOCS_PATH = '/api/v1/docs';

const problemSchema = z
  .object({
    type: z.string().describe('urn:complaint-gateway:problem:<code>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem document (application/problem+json)');

const rolesWith = (permission: Permission) => STAFF_ROLES.filter((role) => hasPermission(role, permission));

function security(route: AppRoute): Pick<RouteConfig, 'security'> & Record<`x-${string}`, unknown> {
  if (route.permission)
    return { security: [{ staffBearer: [] }], 'x-permission': route.permission, 'x-roles': rolesWith(route.permission) };
  switch (route.doc?.auth) {
    case 'visitor':
      return { security: [{ visitorBearer: [] }, { staffBearer: [] }] };
    case 'console-session':
      return { security: [{ consoleSession: [] }] };
    case 'metrics-token':
      return { security: [{ metricsToken: [] }, {}] };
    default:
      return { security: [] };
  }
}

/** Path parameters the doc's schema does not name (a wildcard such as the console's screen) are plain strings. */
function paramsSchema(route: AppRoute): z.ZodObject | undefined {
  const names = pathParams(route.path);
  if (!names.length) return undefined;
  const given = route.doc?.params instanceof z.ZodObject ? route.doc.params : z.object({});
  const missing = names.filter((n) => !(n in given.shape));
  return missing.length ? given.extend(Object.fromEntries(missing.map((n) => [n, z.string()]))) : given;
}

function requestOf(doc: ApiRouteDoc | undefined, params: z.ZodObject | undefined): RouteConfig['request'] {
  const body = doc?.body;
  return {
    ...(params ? { params } : {}),
    ...(doc?.query ? { query: doc.query as z.ZodObject } : {}),
    ...(doc?.headers ? { headers: doc.headers as z.ZodObject } : {}),
    ...(body
      ? body instanceof z.ZodType
        ? { body: { required: true, content: { 'application/json': { schema: body } } } }
        : {
            body: {
              required: true,
              description: body.description,
              content: { [body.contentType]: { schema: body.schema ?? z.string().meta({ format: 'binary' }) } },
            },
          }
      : {}),
  };
}

function responsesOf(route: AppRoute, params: z.ZodObject | undefined): RouteConfig['responses'] {
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });
  const ok = route.doc?.responses ?? { 200: 'OK' };
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(ok)) {
    responses[status] =
      typeof r === 'string'
        ? Number(status) >= 300 && Number(status) < 400
          ? { description: r }
          : { description: r, content: { 'application/json': { schema: z.unknown() } } }
        : { description: r.description, content: { [r.contentType]: { schema: z.string().meta({ format: 'binary' }) } } };
  }
  if (route.doc?.body || route.doc?.query || params) responses[400] = problem('Invalid request: every bad field is named');
  const signedIn = route.permission || (route.doc?.auth && route.doc.auth !== 'public');
  if (signedIn) responses[401] = problem('No valid token (missing, expired, forged or revoked)');
  if (route.permission || route.doc?.auth === 'console-session') responses[403] = problem('The role lacks the permission');
  if (params) responses[404] = problem('Not found (for department staff: also another department’s case)');
  return responses;
}

/**
 * The OpenAPI 3.1 document of the app, generated from what the express router serves: the path
 * and method of every route, the zod schemas its apiDoc() names (the same its handler parses),
 * and the permission its requireStaff() guard asks for.
 */
export function buildOpenApiDocument(app: Express, version = '1'): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'staffBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'POST /api/v1/auth/login',
  });
  registry.registerComponent('securitySchemes', 'visitorBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'POST /api/v1/livechat/sessions',
  });
  registry.registerComponent('securitySchemes', 'consoleSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cg_console_session',
    description: 'POST /api/v1/auth/session',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' });
  for (const route of appRoutes(app)) {
    const params = paramsSchema(route);
    const segments = route.path.split('/').filter(Boolean);
    const tag = route.doc?.tag ?? (segments[0] === 'api' ? (segments[2] ?? 'api') : 'pages');
    const roles = route.permission ? ` Permission \`${route.permission}\`: ${rolesWith(route.permission).join(', ')}.` : '';
    registry.registerPath({
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: openApiPath(route.path),
      summary: route.doc?.summary ?? `${route.method} ${route.path} (undocumented)`,
      ...((route.doc?.description ?? roles) ? { description: `${route.doc?.description ?? ''}${roles}`.trim() } : {}),
      tags: [tag],
      ...security(route),
      request: requestOf(route.doc, params),
      responses: responsesOf(route, params),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Complaint gateway API',
      version,
      description: 'Staff API, intake adapters and livechat of the complaint gateway. Errors are RFC 9457 problem documents.',
    },
  });
}

const SWAGGER_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;
const swaggerDir = (): string => dirname(require.resolve('swagger-ui-dist/package.json'));

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Complaint gateway API</title>
<link rel="stylesheet" href="${API_DOCS_PATH}/swagger-ui.css">
<link rel="icon" href="${API_DOCS_PATH}/favicon-32x32.png">
</head>
<body>
<main id="api-docs"></main>
<script src="${API_DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${API_DOCS_PATH}/init.js"></script>
</body>
</html>
`;
// A file of its own, not inline: the gateway's CSP (helmet) allows scripts from 'self' only.
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(OPENAPI_PATH)}, dom_id: '#api-docs', deepLinking: true });\n`;

/**
 * GET /api/v1/openapi.json (the document, built once from the app's router on first request) and
 * the browsable page at /api/v1/docs: Swagger UI served from node_modules (swagger-ui-dist), no CDN.
 */
export function openApiRoutes(opts: { version?: string } = {}): Router {
  const router = Router();
  let document: unknown;
  router.get('/openapi.json', apiDoc({ summary: 'This document (OpenAPI 3.1)', tag: 'documentation', auth: 'public' }), (req, res) => {
    document ??= buildOpenApiDocument(req.app as Express, opts.version);
    res.json(document);
  });
  router.get(
    '/docs',
    apiDoc({
      summary: 'The browsable API page (Swagger UI)',
      tag: 'documentation',
      auth: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    }),
    (_req, res) => {
      res.type('html').send(DOCS_PAGE);
    },
  );
  router.get(
    '/docs/:asset',
    apiDoc({
      summary: 'The browsable page’s scripts and styles',
      tag: 'documentation',
      auth: 'public',
      params: z.object({ asset: z.enum([...SWAGGER_ASSETS, 'init.js']) }),
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
    }),
    (req, res) => {
      const asset = String(req.params.asset);
      if (asset === 'init.js') return void res.type('text/javascript').send(DOCS_INIT);
      if (!(SWAGGER_ASSETS as readonly string[]).includes(asset)) throw new HttpProblem(404, 'not_found', 'Not found', `no asset ${asset}`);
      res.sendFile(join(swaggerDir(), asset), { maxAge: '1h' });
    },
  );
  return router;
}
