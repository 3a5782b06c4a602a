import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** The portal's own files: plain ES modules and CSS, no inline code, nothing from other origins. */
export const PORTAL_DIR = fileURLToPath(new URL('../../portal', import.meta.url));

/**
 * At least as strict as the seed's CSP, without its 'unsafe-inline' (APP-3, RES-3). nginx sets
 * the same policy at the edge; the gateway sets it too so the portal is safe behind any proxy.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Serves `/admin/` (the nginx allow-list limits who reaches it, NET-1). */
export function portalRoutes(directory = PORTAL_DIR): Router {
  const router = express.Router();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', PORTAL_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    next();
  });
  router.use(express.static(directory, { index: 'index.html', dotfiles: 'deny', redirect: true, fallthrough: true }));
  return router;
}
