import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The browser front-ends are built by apps/console (`npm run build`) into apps/console/dist;
 * the same path from src/http (tests, development) and dist/http (production, the image).
 */
export const WEB_APPS_DIR = resolve(__dirname, '../../../console/dist');

/** The files the gateway serves by name; everything else there is hashed assets. */
export const WEB_APP_FILES = {
  consolePage: 'console/index.html',
  chatPage: 'chat/index.html',
  widgetLoader: 'livechat/widget.js',
} as const;

/**
 * The built front-ends' folder, checked at start: a gateway without them would answer 404 to
 * every page, so it refuses to start and says how to build them.
 */
export function webAppsDir(dir: string = WEB_APPS_DIR): string {
  const missing = Object.values(WEB_APP_FILES).filter((f) => !existsSync(resolve(dir, f)));
  if (missing.length) {
    throw new Error(
      `The staff console and chat pages are not built (${missing.join(', ')} missing in ${dir}). ` +
        'Run `npm run build` (or `npm run -w @cg/console build`) first; `npm start` and `npm test` do it.',
    );
  }
  return dir;
}

/**
 * Content-Security-Policy of our pages: scripts and styles from this origin only (no inline
 * code), sockets and API calls to this origin, images from here or data/blob URLs, and framing
 * only by `frameAncestors`.
 */
export function pageCsp(frameAncestors: string[]): RequestHandler {
  return helmet.contentSecurityPolicy({
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
}

/** HTML pages name hashed assets: browsers must ask again for the page, never for an asset. */
export const revalidate: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-cache');
  next();
};
