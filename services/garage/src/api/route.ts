import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import type { Role } from '@ecar/contracts';
import { parseInput, unsupportedMediaType } from '@ecar/errors';
import { clientInfo } from '@ecar/http';
import type { Caller } from '../domain/caller.ts';

export const ADMIN: readonly Role[] = ['super-admin'];
export const ADMIN_CUSTOMER: readonly Role[] = ['super-admin', 'customer'];
export const ADMIN_TECHNICIAN: readonly Role[] = ['super-admin', 'technician'];
export const ALL_ROLES: readonly Role[] = ['super-admin', 'technician', 'customer'];

/** Lists never return more than this per page, whatever the client asks. */
export const MAX_PAGE_SIZE = 100;

/**
 * One garage endpoint. The table of these is the only place routes are declared: the service
 * mounts exactly this table, and the access-control matrix test is generated from it.
 */
export interface GarageRoute {
  method: 'get' | 'post' | 'patch';
  path: string;
  /** Roles that may call it at all (AUTH-6); the use case then limits objects by ownership (AUTH-4). */
  roles: readonly Role[];
  /** Takes a file body (not JSON). */
  raw?: boolean;
  /** Reads query parameters (with its own strict schema); every other route refuses any. */
  query?: boolean;
  summary: string;
  handle(req: Request, res: Response, caller: Caller): Promise<void>;
}

export const routeId = (route: Pick<GarageRoute, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;

export function callerOf(req: Request, res: Response): Caller {
  const principal = principalOf(res);
  return { userId: principal.userId, role: principal.role, ...clientInfo(req), correlationId: String(res.locals['correlationId'] ?? 'none') };
}

const idParams = z.object({ id: z.uuid() }).strict();
const noFields = z.object({}).strict();

/** The `:id` of a route, validated (APP-1). */
export function idOf(req: Request): string {
  return parseInput(idParams, req.params, 'path').id;
}

/** A JSON body (absent counts as `{}`) parsed with a strict schema: unknown fields are refused (mass assignment). */
export function bodyOf<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  return parseInput(schema, req.body ?? {}, 'request body');
}

export function queryOf<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  return parseInput(schema, req.query, 'query');
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
  after: z.uuid().optional(),
};

/** `{ items, nextCursor }` from `limit + 1` rows fetched. */
export function page<T extends { id: string }, V>(rows: T[], limit: number, view: (row: T) => V): { items: V[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items: items.map(view), nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}

function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  next(hasBody && !req.is('application/json') ? unsupportedMediaType() : undefined);
}

function noQuery(req: Request, _res: Response, next: NextFunction): void {
  try {
    parseInput(noFields, req.query, 'query');
    next();
  } catch (error) {
    next(error);
  }
}

/** Mounts the table: token and role checked first on every route, then the handler. */
export function mountRoutes(routes: readonly GarageRoute[], verifier: AccessTokenVerifier): Router {
  const router = express.Router();
  for (const route of routes) {
    const guards = [requireAuth(verifier, route.roles), ...(route.raw ? [] : [jsonOnly]), ...(route.query ? [] : [noQuery])];
    router[route.method](route.path, ...guards, async (req: Request, res: Response) => {
      res.setHeader('Cache-Control', 'no-store');
      await route.handle(req, res, callerOf(req, res));
    });
  }
  return router;
}


/** Action routes take no body; anything sent is refused rather than ignored. */
export function emptyOk(req: Request): void {
  bodyOf(noFields, req);
}
