import express from 'express';
import { z } from 'zod';
import { startTestStack, type TestStack } from '@cg/testing';
import { apiDoc } from '../src/http/api-doc';
import { buildOpenApiDocument } from '../src/http/openapi';
import { appRoutes, openApiPath } from '../src/http/route-inventory';

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { summary: string; parameters?: Array<{ name: string; in: string }>; [k: string]: unknown }>>;
};

/** Every route the express app serves that the document lacks, or that has no apiDoc() beside it. */
function missingFromDocument(app: express.Express, doc: OpenApiDocument): string[] {
  return appRoutes(app).flatMap((r) => {
    const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
    if (!op) return [`${r.method} ${r.path}: not in the document`];
    if (!r.doc) return [`${r.method} ${r.path}: no apiDoc() beside the route`];
    return [];
  });
}

describe('the OpenAPI 3.1 document', () => {
  let stack: TestStack;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const res = await fetch(`${stack.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(() => stack.close());

  it('lists every route of the real app’s express router, each documented beside the route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = appRoutes(stack.gateway!.app);
    expect(routes.length).toBeGreaterThan(50);
    expect(missingFromDocument(stack.gateway!.app, doc)).toEqual([]);
  });

  it('describes requests by the zod schemas the routes validate with, and each route’s permission', () => {
    const list = doc.paths['/api/v1/cases']!.get!;
    expect(list.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'status', 'cursor', 'pageSize']));
    expect(list['x-permission']).toBe('cases:read');
    const call = doc.paths['/api/v1/hotline/calls']!.post! as unknown as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } } };
      'x-roles': string[];
    };
    expect(Object.keys(call.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['caller', 'notes', 'callId']),
    );
    expect(call['x-roles']).toEqual(['hotline_operator', 'admin']);
    const close = doc.paths['/api/v1/cases/{caseNumber}/close']!.post! as unknown as { responses: Record<string, unknown> };
    expect(Object.keys(close.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
  });

  it('fails for a route added without documentation (the check can fail)', () => {
    const app = express();
    const router = express.Router();
    router.get('/documented', apiDoc({ summary: 'documented', auth: 'public', query: z.object({ a: z.string() }) }), (_q, r) => r.end());
    router.post('/forgotten', (_q, r) => r.end());
    app.use('/api/v1/things', router);
    const generated = buildOpenApiDocument(app) as unknown as OpenApiDocument;
    expect(missingFromDocument(app, generated)).toEqual(['POST /api/v1/things/forgotten: no apiDoc() beside the route']);
    expect(missingFromDocument(app, { openapi: '3.1.0', paths: {} })).toEqual([
      'GET /api/v1/things/documented: not in the document',
      'POST /api/v1/things/forgotten: not in the document',
    ]);
  });

  it('serves a browsable page from node_modules (no CDN) under the gateway’s CSP', async () => {
    const page = await fetch(`${stack.url}/api/v1/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.every((s) => s.startsWith('/api/v1/docs/'))).toBe(true);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Bodies are read to the end: an unread body keeps its connection (and jest) open.
    const status = async (path: string) => {
      const res = await fetch(`${stack.url}${path}`);
      await res.arrayBuffer();
      return res.status;
    };
    for (const asset of scripts) expect([asset, await status(asset)]).toEqual([asset, 200]);
    expect(await status('/api/v1/docs/package.json')).toBe(404);
  });
});
