import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { notFound } from '@ecar/errors';

/** The built web application (`npm run build -w web`, run by `npm start` and `npm test`). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * At least as strict as the seed's CSP, without its 'unsafe-inline' (APP-3, RES-3): scripts
 * and styles only as files from this origin. Mantine's run-time <style> elements are turned off
 * and its CSS variables are built into the stylesheet instead (docs/web.md), so no nonce or hash
 * is needed and the fixed policy nginx sets at the edge is the same one.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Hashed file names change with their content: cache them for a year, never revalidate. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/**
 * The build's `.br`/`.gz` twin of a hashed file, for a browser that accepts it (brotli first).
 * Anything else falls through to the plain file.
 */
function precompressed(directory: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const extension = extname(req.path);
    const type = TYPES[extension];
    if (!type || (req.method !== 'GET' && req.method !== 'HEAD') || req.path.includes('..')) {
      next();
      return;
    }
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
    const file = encoding ? join(directory, `${req.path}.${encoding === 'br' ? 'br' : 'gz'}`) : undefined;
    res.vary('Accept-Encoding');
    if (!encoding || !file || !file.startsWith(directory) || !existsSync(file)) {
      next();
      return;
    }
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Encoding', encoding);
    res.setHeader('Cache-Control', IMMUTABLE);
    res.sendFile(file, { dotfiles: 'deny' }, (error) => {
      if (error) next(error);
    });
  };
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', WEB_CSP);
  next();
}

/** An app shell's index.html for every path under it (client-side routes), never cached. */
function shell(directory: string, area: 'admin' | 'app'): Router {
  const router = express.Router();
  const index = join(directory, area, 'index.html');
  router.get(/.*/, (req, res, next) => {
    // A file-looking path that is not a route (e.g. /admin/app.js) is a 404, not the shell.
    if (/\.[a-z0-9]+$/i.test(req.path)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (error) => {
      if (error) next(error);
    });
  });
  return router;
}

/**
 * Serves the web app: `/admin/…` (back office; nginx admits it from the allow-list only, NET-1),
 * `/app/…` (technicians and customers) and `/assets/…` (hashed files shared by both). `/` goes to
 * the public shell.
 */
export function webRoutes(directory = WEB_DIST_DIR): RequestHandler {
  const router = webRouter(directory);
  // Every API request passed through this router's layers, path-matched one by one, to fall out
  // at the end. Only what the router mounts enters it: `/` and `/admin`, `/app`, `/assets` with
  // what is below them, case-insensitive like express's own matching.
  return (req, res, next) => {
    if (WEB_PATH.test(req.path)) router(req, res, next);
    else next();
  };
}

/** The paths `webRouter` mounts (express matches mount paths case-insensitively, at a segment boundary). */
const WEB_PATH = /^\/(?:(?:admin|app|assets)(?:\/|$)|$)/i;

function webRouter(directory: string): Router {
  const router = express.Router();
  if (!existsSync(join(directory, 'app', 'index.html'))) {
    router.use(['/admin', '/app', '/assets'], (_req, res) => {
      res.status(503).type('text/plain').send('The web application is not built: run `npm run build -w web` (npm start does it).\n');
    });
    return router;
  }
  router.use(['/admin', '/app', '/assets'], securityHeaders);
  router.use('/assets', precompressed(join(directory, 'assets')));
  router.use('/assets', express.static(join(directory, 'assets'), { immutable: true, maxAge: '365d', dotfiles: 'deny', index: false, fallthrough: true, setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE) }));
  router.use('/assets', (_req, _res, next) => next(notFound('No such file')));
  router.get(['/admin', '/app'], (req, res, next) => {
    if (req.path.endsWith('/')) next();
    else res.redirect(301, `${req.path}/`);
  });
  router.use('/admin/', shell(directory, 'admin'));
  router.use('/app/', shell(directory, 'app'));
  router.get('/', (_req, res) => res.redirect(302, '/app/'));
  return router;
}
