import type { NextFunction, Request, Response } from 'express';
import { forbidden } from '@ecar/errors';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-CSRF-Token, X-Request-Id, X-Correlation-Id';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CORS for the listed origins only (APP-2). A state-changing request from a browser origin not on
 * the list is refused outright, not merely left without CORS headers: it may be a forged request.
 */
export function corsAllowList(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      next();
      return;
    }
    res.vary('Origin');
    // The web app is served by the gateway itself: its own origin is same-origin, not cross-origin.
    const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    if (origin === ownOrigin) {
      next();
      return;
    }
    if (!allowed.has(origin)) {
      if (req.method === 'OPTIONS' || !SAFE_METHODS.has(req.method)) {
        next(forbidden('Origin not allowed'));
        return;
      }
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
