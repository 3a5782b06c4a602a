import type { Route } from '@ecar/runtime';
import type { AuthContext } from '../domain/auth-context.ts';
import { authRoutes } from './auth-routes.ts';
import { internalRoutes } from './internal-routes.ts';
import { userRoutes } from './user-routes.ts';

/** Every auth endpoint, in one table: mounted as is, and the source of the OpenAPI document and the access-control matrix test. */
export function authRouteTable(auth: AuthContext): Route[] {
  return [...authRoutes(auth), ...userRoutes(auth), ...internalRoutes(auth.sessions, auth.signer, auth.accessTtlSeconds)];
}
