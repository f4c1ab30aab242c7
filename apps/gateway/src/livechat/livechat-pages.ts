import { resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';

/** apps/gateway/public, from src/livechat (tests) and dist/livechat (production) alike. */
export const PUBLIC_DIR = resolve(__dirname, '../../public');

/**
 * The chat page, the embeddable widget loader and the agents' page. Their Content-Security-
 * Policy replaces the API's default: scripts and styles from this origin only (no inline
 * code), sockets to this origin, images from here or data/blob URLs, and the chat page may be
 * framed only by the origins in LIVECHAT_EMBED_ORIGINS.
 */
export function livechatPages(opts: { embedOrigins: string }): Router {
  const router = Router();
  const ancestors = opts.embedOrigins.trim() === '*' ? ['*'] : ["'self'", ...opts.embedOrigins.split(/[\s,]+/).filter(Boolean)];
  const csp = (frameAncestors: string[]): RequestHandler =>
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors,
      },
    });
  const embeddable: RequestHandler = (_req, res, next) => {
    res.removeHeader('X-Frame-Options'); // frame-ancestors decides
    next();
  };
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-cache');
    next();
  };
  const page =
    (file: string): RequestHandler =>
    (_req, res) =>
      res.sendFile(resolve(PUBLIC_DIR, 'livechat', file));

  router.get('/chat', csp(ancestors), embeddable, noStore, page('chat.html'));
  router.get('/livechat/agent', csp(["'none'"]), noStore, page('agent.html'));
  // The loader runs inside other sites' pages: it must be loadable cross-origin.
  router.get('/livechat/widget.js', (_req, res, next) => {
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  });
  router.use(
    '/livechat',
    csp(["'self'"]),
    express.static(resolve(PUBLIC_DIR, 'livechat'), { index: false, maxAge: '5m', redirect: false }),
  );
  return router;
}
