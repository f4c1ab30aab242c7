import { join } from 'node:path';
import express, { Router } from 'express';

/** The staff web console: static files under /console, and `/` leads there. */
export function consoleRoutes(): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.use('/console', express.static(join(__dirname, '../../public/console'), { index: 'index.html', maxAge: '5m' }));
  return router;
}
