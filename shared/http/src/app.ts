import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { unsupportedMediaType } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import { errorHandler, notFoundHandler, type ErrorReporter } from './error-handler.ts';
import { operationalRoutes, type ReadinessCheck } from './health.ts';
import { createHttpMetrics } from './metrics.ts';
import { requestContext } from './request-context.ts';
import { clientAddress } from './client-address.ts';
import { jsonTextGuard, pathGuard, queryGuard, refuseEncodedRawBody, verifyUtf8 } from './input-guard.ts';

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  readiness: ReadinessCheck[];
  /** JSON body limit (express syntax); larger bodies get 413. */
  bodyLimit?: string;
  /** Requests that take non-JSON bodies (uploads); every other body must be JSON. */
  isRawBody?: (method: string, path: string) => boolean;
  /** Express `trust proxy` without TLS (development): which hops may set X-Forwarded-For. */
  trustProxy?: string | number | boolean;
  /** Over mutual TLS: the certificate names whose X-Forwarded-For is believed (default: the gateway). */
  trustedProxyIdentities?: readonly string[];
  report?: ErrorReporter;
  registry?: Registry;
}

export interface ServiceApp {
  app: Express;
  registry: Registry;
  /** True once shutdown began: readiness answers 503 so load balancers stop sending. */
  markShuttingDown(): void;
  /** Mounts the 404 and error handlers; call after the routes. */
  seal(): void;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const app = express();
  const metrics = createHttpMetrics(options.service, options.registry);
  let shuttingDown = false;
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.set('query parser', 'simple');
  app.use(clientAddress(options.trustedProxyIdentities));
  app.use(requestContext);
  app.use(metrics.middleware);
  app.use(helmet());
  app.use(operationalRoutes(metrics.registry, options.readiness, () => shuttingDown));
  app.use(pathGuard, queryGuard);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const raw = options.isRawBody?.(req.method, req.path) ?? false;
    if (raw) {
      next(refuseEncodedRawBody(req));
      return;
    }
    if (BODY_METHODS.has(req.method) && hasBody(req) && !req.is('application/json')) {
      next(unsupportedMediaType());
      return;
    }
    next();
  });
  app.use(express.json({ limit: options.bodyLimit ?? '100kb', strict: true, type: 'application/json', verify: verifyUtf8 }), jsonTextGuard);
  return {
    app,
    registry: metrics.registry,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    seal() {
      app.use(notFoundHandler);
      app.use(errorHandler({ logger: options.logger, ...(options.report ? { report: options.report } : {}) }));
    },
  };
}
