import { Router } from 'express';
import { readinessReport, type ReadinessCheck } from '@cg/core';
import { apiDoc } from '../http/api-doc';

export type { ReadinessCheck } from '@cg/core';

/**
 * /healthz: the process is up. /readyz: every dependency answers (load balancers route on this).
 * The same report as the health server of the poller and the worker (`startHealthServer`).
 */
export function healthRoutes(checks: ReadinessCheck[]): Router {
  const router = Router();
  router.get('/healthz', apiDoc({ summary: 'The process is up', tag: 'operations', auth: 'public' }), (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(
    '/readyz',
    apiDoc({ summary: 'Every dependency answers', tag: 'operations', auth: 'public', responses: { 200: 'Ready', 503: 'Not ready' } }),
    async (_req, res) => {
      const report = await readinessReport(checks);
      res.status(report.status === 'ready' ? 200 : 503).json(report);
    },
  );
  return router;
}
