import { resolve } from 'node:path';
import express, { Router } from 'express';
import { pageCsp, revalidate, WEB_APP_FILES, webAppsDir } from '../http/web-apps';
import { apiDoc } from '../http/api-doc';

/**
 * The staff web console (apps/console, built): its page at /console/ and every screen under it
 * (/console/cases/KN26-00042, /console/livechat, …: the console routes in the browser), the
 * hashed assets of every page at /assets/, and `/` leads to the console.
 */
export function consoleRoutes(dir: string = webAppsDir()): Router {
  const router = Router();
  const consolePage = resolve(dir, WEB_APP_FILES.consolePage);
  router.get(
    '/',
    apiDoc({ summary: 'Leads to the console', tag: 'pages', auth: 'public', responses: { 302: 'To /console/' } }),
    (_req, res) => res.redirect(302, '/console/'),
  );
  router.use(
    '/assets',
    express.static(resolve(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, redirect: false, fallthrough: false }),
  );
  router.get(
    '/console{/*screen}',
    apiDoc({
      summary: 'The staff console (every screen)',
      tag: 'pages',
      auth: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    }),
    pageCsp(["'none'"]),
    revalidate,
    (_req, res) => res.sendFile(consolePage),
  );
  return router;
}
