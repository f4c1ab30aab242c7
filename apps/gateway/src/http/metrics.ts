import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type RequestHandler } from 'express';
import type { MetricsRegistry } from '@cg/core';
import { apiDoc } from './api-doc';

/**
 * Latency of every request by express route pattern (`/api/v1/cases/:caseNumber`, never the raw
 * URL, so case numbers do not become label values). The pattern is read when express sets
 * `req.route`, together with the mount path of that moment: an error handled outside the router
 * still reports the route that threw.
 */
export function httpMetrics(metrics: MetricsRegistry): RequestHandler {
  return (req, res, next) => {
    let route: string | undefined;
    let matched: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => matched,
      set: (value: { path?: unknown } | undefined) => {
        matched = value;
        if (value && typeof value.path === 'string') route = `${req.baseUrl}${value.path}`;
      },
    });
    timeRequest(metrics, req, res, () => route);
    next();
  };
}

/** Observes the request's latency under its route pattern (undefined: `unmatched`) when the response finishes. */
export function timeRequest(metrics: MetricsRegistry, req: IncomingMessage, res: ServerResponse, routeOf: () => string | undefined): void {
  const started = performance.now();
  res.once('finish', () => {
    const seconds = (performance.now() - started) / 1000;
    metrics.observe(
      'http_request_duration_seconds',
      { method: req.method ?? '', route: routeOf() ?? 'unmatched', status: String(res.statusCode) },
      seconds,
    );
  });
}

/**
 * GET /metrics on the gateway's own port. With METRICS_TOKEN set it asks for
 * `Authorization: Bearer <METRICS_TOKEN>`; without one it is open outside production and
 * absent (404) in production, so a production gateway never exposes it by accident.
 */
export function metricsRoute(metrics: MetricsRegistry, opts: { token?: string; production: boolean }): Router {
  const router = Router();
  const expected = opts.token ? Buffer.from(`Bearer ${opts.token}`) : undefined;
  router.get(
    '/metrics',
    apiDoc({
      summary: 'Prometheus metrics (behind METRICS_TOKEN when set; absent in production without one)',
      tag: 'operations',
      auth: 'metrics-token',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
    }),
    async (req, res, next) => {
      if (!expected && opts.production) return next();
      if (expected) {
        const given = Buffer.from(req.get('authorization') ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('metrics token required\n');
          return;
        }
      }
      const body = await metrics.render();
      res.type(metrics.contentType).send(body);
    },
  );
  return router;
}
