import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Counter, Gauge, Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { AccessTokenVerifier, RemoteJwks, authenticate, failClosedRevocation, revokedSessionsSnapshot } from '@ecar/auth-client';
import { BusConnection, RevokedSessions, type SessionDenyList } from '@ecar/bus';
import { developmentBanner } from '@ecar/config';
import { badRequest, notFound, tooManyRequests } from '@ecar/errors';
import { clientAddress, createHttpMetrics, errorHandler, listen, requestContext, requirePeer, type RunningServer } from '@ecar/http';
import { createLogger, type Logger } from '@ecar/logger';
import { loadGatewayConfig, type GatewayConfig } from './config.ts';
import { corsAllowList } from './cors.ts';
import { Upstream, forwardableRequestHeaders } from './proxy.ts';
import { internalTlsFrom, serverTlsOptions } from '@ecar/tls';
import { RateLimitStore, type SharedRateLimiter } from './rate-limit.ts';
import { webRoutes } from './web.ts';
import { isCanonicalPath, matchRoute, type RouteRule, type UpstreamName } from './route-table.ts';

export interface Gateway {
  url: string;
  port: number;
  server: RunningServer;
  upstreams: Record<UpstreamName, Upstream>;
  registry: Registry;
  denyList: SessionDenyList;
  revocations: RevokedSessions;
  stop(): Promise<void>;
}

/** The only client of the gateway's listener, by certificate name: the edge. */
const EDGE_PEERS: readonly string[] = ['nginx'];

function rateLimitHeaders(res: Response, limit: number, remaining: number, resetMs: number): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(remaining));
  res.setHeader('RateLimit-Reset', String(Math.ceil(resetMs / 1000)));
}

export async function startGateway(env: NodeJS.ProcessEnv = process.env, providedLogger?: Logger): Promise<Gateway> {
  const loaded = loadGatewayConfig(env);
  const config: GatewayConfig = loaded.values;
  const logger = providedLogger ?? createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const banner = developmentBanner('gateway', loaded);
  if (banner) logger.warn(banner);

  const registry = new Registry();
  const metrics = createHttpMetrics('gateway', registry);
  const rejected = new Counter({ name: 'ecar_gateway_rejected_total', help: 'Requests refused by the gateway', labelNames: ['reason'] as const, registers: [registry] });
  const breakerState = new Gauge({ name: 'ecar_gateway_breaker_open', help: '1 while the upstream circuit is open', labelNames: ['upstream'] as const, registers: [registry] });

  const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
  if (!tls) logger.warn('gateway → services over plain HTTP: development only; production requires ECAR_TLS_* and https upstreams (mutual TLS, ENC-6)');
  // nginx → gateway (finding 9 of issue 12): in production the gateway listens only with mutual
  // TLS from the internal CA (nginx verifies the name `gateway`, presents its own `nginx`
  // certificate), serves the API and the web app to nginx's certificate alone (another
  // deployable's gets 403) and believes X-Forwarded-For from it alone. Development and tests
  // (`npm start`) keep plain HTTP on loopback (LISTEN_TLS off).
  if (config.LISTEN_TLS && !tls) throw new Error('LISTEN_TLS needs the gateway\'s TLS identity (ECAR_TLS_CERT, ECAR_TLS_KEY, ECAR_TLS_CA)');
  const listenTls = config.LISTEN_TLS ? tls : undefined;
  if (!listenTls) logger.warn('gateway listening on plain HTTP: development only (npm start); in production nginx reaches it over mutual TLS');
  const jwks = new RemoteJwks(config.AUTH_JWKS_URL, { minRefetchMs: 1_000, tls });
  // Revocations are applied only from auth's broker user (finding 3 mechanism, `verifyProducer`).
  const bus = new BusConnection({ url: config.AMQP_URL, name: 'ecar-gateway', logger, registry, ca: config.ECAR_TLS_CA, producerUsers: config.BUS_PRODUCER_USERS });
  // The deny-list fails closed (finding 4 of issue 12): until it is loaded, and once unfed beyond
  // REVOCATION_GRACE_MS (broker lost and auth's snapshot not answering), tokens get 503.
  const revocations = new RevokedSessions({
    connection: bus,
    exchange: config.BUS_EXCHANGE,
    queue: `${config.BUS_QUEUE_PREFIX}gateway.revocations.${randomUUID()}`,
    loadSnapshot: revokedSessionsSnapshot(new URL('/internal/v1/revoked-sessions', config.AUTH_URL).toString(), tls),
    accessTtlMs: config.ACCESS_TOKEN_TTL_SECONDS * 1000,
    graceMs: config.REVOCATION_GRACE_MS,
    logger,
  });
  const denyList = revocations.denyList;
  const verifier = new AccessTokenVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    keyFor: (kid) => jwks.keyFor(kid),
    isRevoked: failClosedRevocation(revocations),
  });
  const rateLimitStore = new RateLimitStore(config.REDIS_URL, config.REDIS_KEY_PREFIX, logger, registry);
  const perIp = rateLimitStore.limiter('ip', config.RATE_LIMIT_PER_IP, config.RATE_LIMIT_WINDOW_MS);
  const perUser = rateLimitStore.limiter('user', config.RATE_LIMIT_PER_USER, config.RATE_LIMIT_WINDOW_MS);
  const sensitivePerIp = rateLimitStore.limiter('sensitive', config.RATE_LIMIT_LOGIN_PER_IP, config.RATE_LIMIT_WINDOW_MS);

  const upstreamOptions = { timeoutMs: config.UPSTREAM_TIMEOUT_MS, resetMs: config.BREAKER_RESET_MS, bodyLimitBytes: config.BODY_LIMIT_BYTES, logger, tls };
  const upstreams: Record<UpstreamName, Upstream> = {
    auth: new Upstream({ name: 'auth', baseUrl: config.AUTH_URL, ...upstreamOptions }),
    garage: new Upstream({ name: 'garage', baseUrl: config.GARAGE_URL, ...upstreamOptions }),
    billing: new Upstream({ name: 'billing', baseUrl: config.BILLING_URL, ...upstreamOptions }),
    audit: new Upstream({ name: 'audit', baseUrl: config.AUDIT_URL, ...upstreamOptions }),
    backup: new Upstream({ name: 'backup', baseUrl: config.BACKUP_URL, ...upstreamOptions }),
    notify: new Upstream({ name: 'notify', baseUrl: config.NOTIFY_URL, ...upstreamOptions }),
  };
  for (const [name, upstream] of Object.entries(upstreams)) {
    upstream.breaker.on('open', () => breakerState.set({ upstream: name }, 1));
    upstream.breaker.on('close', () => breakerState.set({ upstream: name }, 0));
  }

  const reasons = new Map<SharedRateLimiter, string>([
    [perIp, 'ip_rate_limit'],
    [sensitivePerIp, 'sensitive_rate_limit'],
    [perUser, 'user_rate_limit'],
  ]);
  /** Counts the request on every limit that applies, in one Redis call; 429 at the first refused. */
  const limit = async (hits: Array<{ limiter: SharedRateLimiter; key: string }>, res: Response) => {
    const { limiter, verdict } = await rateLimitStore.hitInOrder(hits);
    rateLimitHeaders(res, limiter.max, verdict.remaining, verdict.retryAfterMs);
    if (!verdict.allowed) {
      rejected.inc({ reason: reasons.get(limiter) ?? limiter.name });
      throw tooManyRequests(verdict.retryAfterMs / 1000);
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  if (listenTls) app.use(clientAddress(EDGE_PEERS));
  app.use(requestContext);
  app.use(metrics.middleware);
  // HSTS for a year with subdomains and preload (IMP-1); nginx sends the same at the edge.
  app.use(helmet({ hsts: { maxAge: 31_536_000, includeSubDomains: true, preload: true } }));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Whether the deny-list is fed (broker bound, revoked sessions loaded): before that a revoked
  // token could pass. Not named /health/ready: that path belongs to the services and is never routed.
  app.get('/health/revocations', (_req, res) => {
    const ready = revocations.subscribed;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting', checks: { broker: bus.isConnected(), revokedSessions: ready, current: revocations.current() } });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  // Health and metrics above stay open to every internal peer (the container's own health check
  // presents the gateway's certificate, Prometheus its own); everything below is nginx's.
  if (listenTls) app.use(requirePeer(EDGE_PEERS));
  app.use(corsAllowList(config.CORS_ORIGINS));
  // The web app's files: /admin/ (nginx admits it only from the allow-list, NET-1), /app/, /assets/.
  app.use(webRoutes());

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const ip = req.ip ?? 'unknown';
      // The limits are counted once what applies is known: per address always, per address on
      // sensitive routes, per user once the token is verified. A request refused before that
      // (400, 404, 401, 403) is still counted per address, and answered 429 once over that budget,
      // as when the address was counted first.
      const hits = [{ limiter: perIp, key: ip }];
      const refuse = async (error: unknown): Promise<never> => {
        await limit(hits, res);
        throw error;
      };
      const path = req.path;
      if (!isCanonicalPath(path)) {
        rejected.inc({ reason: 'non_canonical_path' });
        await refuse(badRequest('The request path is not canonical'));
      }
      const rule: RouteRule | undefined = matchRoute(path);
      if (!rule) {
        rejected.inc({ reason: 'no_route' });
        return await refuse(notFound(`No route for ${req.method} ${path}`));
      }
      res.locals['routeLabel'] = rule.prefix;
      if (rule.sensitive) hits.push({ limiter: sensitivePerIp, key: ip });
      if (rule.access !== 'public') {
        const { principal } = await authenticate(req, verifier, rule.access, {
          allowPendingMfa: rule.allowPendingMfa ?? false,
          onRefused: (reason) => rejected.inc({ reason }),
        }).catch(refuse);
        hits.push({ limiter: perUser, key: principal.userId });
      }
      await limit(hits, res);
      const headers = forwardableRequestHeaders(req.headers);
      headers['x-forwarded-for'] = ip;
      headers['x-forwarded-proto'] = req.protocol;
      headers['x-request-id'] = String(res.locals['requestId']);
      headers['x-correlation-id'] = String(res.locals['correlationId']);
      await upstreams[rule.upstream].forward(req, res, headers);
    } catch (error) {
      next(error);
    }
  });
  app.use(errorHandler({ logger }));

  await rateLimitStore.connected(2_000);
  await revocations.start();
  await bus.start();
  const server = await listen(app, config.PORT, config.HOST, listenTls ? serverTlsOptions(listenTls) : undefined);
  logger.info('gateway listening', { url: server.url });
  return {
    url: server.url,
    port: server.port,
    server,
    upstreams,
    registry,
    denyList,
    revocations,
    async stop() {
      await server.close(5_000);
      revocations.stop();
      await bus.close();
      for (const upstream of Object.values(upstreams)) upstream.close();
      await rateLimitStore.close();
    },
  };
}
