import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth, type AccessTokenVerifier, type Principal } from '@ecar/auth-client';
import type { Caller, Role } from '@ecar/contracts';
import { parseInput, unsupportedMediaType } from '@ecar/errors';
import { clientInfo, requirePeer } from '@ecar/http';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: the roles whose verified token is accepted (AUTH-6), or anyone (`'public'`: sign-in, JWKS). */
export type Access = readonly Role[] | 'public';

/**
 * Who may call a route over mutual TLS, by the name of the deployable's internal certificate
 * (finding 9 of issue 12: the internal CA alone says only "one of ours"). Every deployable holds
 * one (`PKI_PEERS` of scripts/deploy/prepare-host.sh); a route table names the ones that really
 * call its routes, and any other peer gets 403 before its token, query or body is looked at.
 * Health and metrics are not routes: they answer every internal peer (health checks, Prometheus).
 */
export const PEERS = {
  /** Default of every route: the public API, which only the gateway forwards. */
  api: ['gateway'],
  /** auth's JWKS and revocation snapshot: the gateway and every service that verifies access tokens itself (`remoteVerifier`). */
  tokenVerifiers: ['gateway', 'garage', 'billing', 'audit', 'backup', 'notify'],
  /** garage's contact look-ups at send time. */
  notify: ['notify'],
} as const satisfies Record<string, readonly string[]>;

/** Where a request comes from, known for every route (public ones too). */
export interface ClientInfo {
  ip: string;
  /** Already cut to MAX_USER_AGENT_LENGTH. */
  userAgent: string;
  correlationId: string;
}

/** The names of the `:name` segments of an express path. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

type Output<S, Otherwise> = S extends z.ZodType ? z.output<S> : Otherwise;

/** What a handler receives: everything parsed and checked, and the caller built once from the verified token. */
export interface RouteInput<Path extends string = string, PS = undefined, QS = undefined, BS = undefined, A extends Access = Access> {
  caller: A extends 'public' ? undefined : Caller;
  /** The verified token itself (session id, MFA state), for the few routes that need more than the caller. */
  principal: A extends 'public' ? undefined : Principal;
  client: ClientInfo;
  params: Output<PS, Record<ParamNames<Path>, string>>;
  query: Output<QS, Record<string, never>>;
  body: Output<BS, Record<string, never>>;
  req: Request;
  res: Response;
}

/** A route as declared in a route table (see `route`). */
export interface RouteSpec<Path extends string, PS, QS, BS, A extends Access> {
  method: HttpMethod;
  path: Path;
  /** One line: what the route does (also the OpenAPI summary). */
  summary: string;
  roles: A;
  /** The deployables whose internal certificate may call the route (mutual TLS); default `PEERS.api` (the gateway). */
  peers?: readonly string[];
  /** Accept a super-admin token that has not passed MFA yet (MFA enrolment, /me, logout). */
  allowPendingMfa?: boolean;
  /** Path parameters; default: every `:name` is a UUID. */
  params?: PS;
  /** Query parameters; without a schema the route refuses any query parameter. */
  query?: QS;
  /** JSON body; without a schema the route refuses any body but `{}` (raw routes excepted). */
  body?: BS;
  /** The body is a file of one of these media types (an upload), streamed to the handler as `req`. */
  raw?: { contentTypes: readonly string[] };
  /** Checks of this service run after the standard guards (e.g. auth's live-session check). */
  guards?: readonly RequestHandler[];
  /** Status of a successful answer; default 200 (204 when the handler returns nothing). */
  success?: 200 | 201 | 202 | 204;
  /** Media type of a non-JSON answer the handler writes itself (PDF, XML, a file). */
  produces?: readonly string[];
  /** Schema of the JSON answer, for the OpenAPI document. */
  response?: z.ZodType;
  /** OpenAPI operationId; default derived from method and path. */
  name?: string;
  /**
   * Returns the JSON answer (sent with `success`), or writes the answer itself through `res`
   * (downloads) and returns nothing.
   */
  handle(input: RouteInput<Path, PS, QS, BS, A>): Promise<unknown>;
}

/** A route of any shape: what route tables hold and what the kit mounts, documents and tests. */
export interface Route extends Omit<RouteSpec<string, z.ZodType, z.ZodType, z.ZodType, Access>, 'handle'> {
  handle(input: RouteInput<string, z.ZodType, z.ZodType, z.ZodType>): Promise<unknown>;
}

/**
 * Declares one route of a route table, with its input types inferred from its schemas (and its
 * path parameters from the path). The route table is the only place routes are declared: the
 * service mounts exactly it, the OpenAPI document and the access-matrix test are generated from it.
 */
export function route<
  const Path extends string,
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  const A extends Access = Access,
>(spec: RouteSpec<Path, PS, QS, BS, A>): Route {
  return spec as unknown as Route;
}

/** `GET /api/v1/customers/:id`: how routes are named in tests and documents. */
export const routeId = (route: Pick<Route, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;

/** The `:name` segments of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
}

const noFields = z.object({}).strict();
const defaultParams = new Map<string, z.ZodType>();

/** Every `:name` of the path is a UUID (one schema per path, built once). */
export function paramsSchemaOf(route: Pick<Route, 'path' | 'params'>): z.ZodType {
  if (route.params) return route.params;
  let schema = defaultParams.get(route.path);
  if (!schema) {
    schema = z.object(Object.fromEntries(pathParamNames(route.path).map((name) => [name, z.uuid()]))).strict();
    defaultParams.set(route.path, schema);
  }
  return schema;
}

/** The deployables that may call a route over mutual TLS. */
export function peersOf(route: Pick<Route, 'peers'>): readonly string[] {
  return route.peers ?? PEERS.api;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The media type of the request, without parameters, in lower case. */
export function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A refused upload leaves part of the body unread: discard what still arrives (the HTTP framing
 * says where it ends; the server's request timeout bounds it) rather than closing at once. A
 * close while the client or the gateway is still sending resets the connection and the answer
 * is lost: the gateway then saw an upstream failure (503, breaker) instead of the 413 or 415.
 */
export function abandonBody(req: Request): void {
  req.resume();
}

function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  next(hasBody(req) && !req.is('application/json') ? unsupportedMediaType() : undefined);
}

/** An upload of an undeclared type is refused before a byte of it is read. */
function refuseUndeclaredUpload(req: Request, contentTypes: readonly string[]): void {
  if (contentTypes.includes(mediaType(req))) return;
  abandonBody(req);
  throw unsupportedMediaType(`The body must be one of ${contentTypes.join(', ')}`);
}

/** The one place a Caller is made: the verified principal, the client's address and agent, the correlation id. */
export function clientOf(req: Request, res: Response): ClientInfo {
  return { ...clientInfo(req), correlationId: String(res.locals['correlationId'] ?? 'none') };
}

export function callerOf(req: Request, res: Response): Caller {
  const principal = principalOf(res);
  return { userId: principal.userId, role: principal.role, ...clientOf(req, res) };
}

/**
 * Mounts a route table with the standard guards, in this order: the peer's certificate name
 * (over mutual TLS: a peer no route names is refused on every path, and each route admits only
 * its `peers`), token, MFA and role (unless
 * public), JSON-only body, then query, path parameters and body parsed with their strict schemas
 * (an undeclared query or body is refused; an upload must have a declared media type), and
 * `Cache-Control: no-store` on every answer of a handler.
 */
export function mountRoutes(routes: readonly Route[], verifier: AccessTokenVerifier): Router {
  const router = express.Router();
  router.use(requirePeer([...new Set(routes.flatMap(peersOf))]));
  for (const route of routes) {
    const guards: RequestHandler[] = [
      requirePeer(peersOf(route), 'route'),
      ...(route.roles === 'public' ? [] : [requireAuth(verifier, route.roles, { allowPendingMfa: route.allowPendingMfa ?? false })]),
      ...(route.raw ? [] : [jsonOnly]),
      ...(route.guards ?? []),
    ];
    const params = paramsSchemaOf(route);
    router[route.method](route.path, ...guards, async (req: Request, res: Response) => {
      const query = parseInput(route.query ?? noFields, req.query, 'query');
      const path = parseInput(params, req.params, 'path');
      if (route.raw) refuseUndeclaredUpload(req, route.raw.contentTypes);
      const input = {
        query,
        params: path,
        body: route.raw ? undefined : parseInput(route.body ?? noFields, req.body ?? {}, 'request body'),
        caller: route.roles === 'public' ? undefined : callerOf(req, res),
        principal: route.roles === 'public' ? undefined : principalOf(res),
        client: clientOf(req, res),
        req,
        res,
      };
      res.setHeader('Cache-Control', 'no-store');
      const result = await route.handle(input as Parameters<Route['handle']>[0]);
      if (res.headersSent) return;
      if (result === undefined) res.status(204).end();
      else res.status(route.success ?? 200).json(result);
    });
  }
  return router;
}

/** Whether a request goes to a route that takes a file body (the app's JSON-only check lets it through). */
export function rawBodyMatcher(routes: readonly Route[]): (method: string, path: string) => boolean {
  const patterns = routes
    .filter((route) => route.raw)
    .map((route) => ({ method: route.method.toUpperCase(), pattern: new RegExp(`^${route.path.replace(/:\w+/g, '[^/]+')}/?$`) }));
  return (method, path) => patterns.some((entry) => entry.method === method && entry.pattern.test(path));
}
