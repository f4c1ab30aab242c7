import { resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { pageCsp, revalidate, WEB_APP_FILES, webAppsDir } from '../http/web-apps';
import { apiDoc } from '../http/api-doc';

/**
 * The customer chat page and the embeddable widget loader (built by apps/console), and the
 * old agents' page address, which now leads to the console's livechat screen. The chat page
 * may be framed only by the origins in LIVECHAT_EMBED_ORIGINS.
 */
export function livechatPages(opts: { embedOrigins: string; dir?: string }): Router {
  const dir = opts.dir ?? webAppsDir();
  const router = Router();
  const ancestors = opts.embedOrigins.trim() === '*' ? ['*'] : ["'self'", ...opts.embedOrigins.split(/[\s,]+/).filter(Boolean)];
  const embeddable: RequestHandler = (_req, res, next) => {
    res.removeHeader('X-Frame-Options'); // frame-ancestors decides
    next();
  };

  router.get(
    '/chat',
    apiDoc({
      summary: 'The customer chat page',
      tag: 'pages',
      auth: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    }),
    pageCsp(ancestors),
    embeddable,
    revalidate,
    (_req, res) => res.sendFile(resolve(dir, WEB_APP_FILES.chatPage)),
  );
  // One sign-in for all staff: agents answer chats in the console.
  router.get(
    '/livechat/agent',
    apiDoc({
      summary: 'Old agent page: redirects to the console',
      tag: 'pages',
      auth: 'public',
      responses: { 301: 'To /console/livechat' },
    }),
    (_req, res) => res.redirect(301, '/console/livechat'),
  );
  // The loader runs inside other sites' pages: it must be loadable cross-origin. Not hashed
  // (sites embed its fixed address), so browsers revalidate it every few minutes.
  router.get(
    '/livechat/widget.js',
    apiDoc({
      summary: 'The widget loader embedded in other sites',
      tag: 'pages',
      auth: 'public',
      responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
    }),
    (_req, res, next) => {
      res.set('Cross-Origin-Resource-Policy', 'cross-origin');
      next();
    },
  );
  router.use('/livechat', pageCsp(["'self'"]), express.static(resolve(dir, 'livechat'), { index: false, maxAge: '5m', redirect: false }));
  return router;
}
