import { ADMIN, type Caller } from '@ecar/contracts';
import { createUserBody, ipUnlockBody, patchUserBody, signInLockListQuery, userListQuery } from '@ecar/contracts/requests/auth';
import { route, type Route } from '@ecar/runtime';
import type { AccountAdministration, AdminActor } from '../domain/accounts.ts';
import type { MfaService } from '../domain/mfa.ts';
import type { SessionService } from '../domain/sessions.ts';
import { requireLiveSession } from './live-session.ts';

const adminOf = (caller: Caller): AdminActor => ({ userId: caller.userId, role: caller.role, ip: caller.ip, userAgent: caller.userAgent });

/** `/api/v1/users…`: super-admin only, at the gateway and here again (AUTH-6). */
export function userRoutes(deps: { sessions: SessionService; accounts: AccountAdministration; mfa: MfaService }): Route[] {
  const live = [requireLiveSession(deps.sessions)];
  return [
    route({
      method: 'get',
      path: '/api/v1/users',
      roles: ADMIN,
      guards: live,
      query: userListQuery,
      summary: 'Accounts, filtered by role and status (offset paging)',
      async handle({ query }) {
        const page = await deps.accounts.list(query);
        return { items: page.items, total: page.total, limit: query.limit, offset: query.offset };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      roles: ADMIN,
      guards: live,
      body: createUserBody,
      success: 201,
      summary: 'Create an account (technicians, other super-admins)',
      handle: ({ caller, body }) => deps.accounts.create(adminOf(caller), body, caller.correlationId),
    }),
    // Before /:id: these paths are not account ids.
    route({
      method: 'get',
      path: '/api/v1/users/sign-in-locks',
      roles: ADMIN,
      guards: live,
      query: signInLockListQuery,
      summary: 'Per-IP sign-in locks in force, tied to no account (offset paging)',
      async handle({ query }) {
        const page = await deps.accounts.signInIpLocks(query);
        return { items: page.items.map((lock) => ({ ...lock, lockedUntil: lock.lockedUntil.toISOString() })), total: page.total, limit: query.limit, offset: query.offset };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/users/sign-in-locks/unlock',
      roles: ADMIN,
      guards: live,
      body: ipUnlockBody,
      success: 204,
      summary: 'Lift the per-IP sign-in lock of one address (audited as auth.login.unlocked)',
      handle: ({ caller, body }) => deps.accounts.unlockSignInIp(adminOf(caller), body.ip, caller.correlationId),
    }),
    route({
      method: 'get',
      path: '/api/v1/users/:id',
      roles: ADMIN,
      guards: live,
      summary: 'One account',
      handle: ({ params }) => deps.accounts.get(params.id),
    }),
    route({
      method: 'patch',
      path: '/api/v1/users/:id',
      roles: ADMIN,
      guards: live,
      body: patchUserBody,
      summary: "Change an account's e-mail, name or role",
      handle: ({ caller, params, body }) => deps.accounts.update(adminOf(caller), params.id, body, caller.correlationId),
    }),
    route({
      method: 'post',
      path: '/api/v1/users/:id/disable',
      roles: ADMIN,
      guards: live,
      summary: 'Disable an account; its sessions end',
      handle: ({ caller, params }) => deps.accounts.disable(adminOf(caller), params.id, caller.correlationId),
    }),
    route({
      method: 'get',
      path: '/api/v1/users/:id/sessions',
      roles: ADMIN,
      guards: live,
      summary: 'The live sessions of an account',
      async handle({ params }) {
        const sessions = await deps.accounts.sessionsOf(params.id);
        return { items: sessions.map((session) => ({ ...session, createdAt: session.createdAt.toISOString(), expiresAt: session.expiresAt.toISOString() })) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/users/:id/sessions/revoke',
      roles: ADMIN,
      guards: live,
      summary: 'End every session of an account',
      handle: async ({ caller, params }) => ({ revoked: await deps.accounts.revokeSessions(adminOf(caller), params.id, caller.correlationId) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/users/:id/mfa/reset',
      roles: ADMIN,
      guards: live,
      summary: "Reset an account's MFA (another super-admin only); its sessions end",
      handle: ({ caller, params }) => deps.mfa.reset(adminOf(caller), params.id, caller.correlationId),
    }),
    route({
      method: 'post',
      path: '/api/v1/users/:id/unlock',
      roles: ADMIN,
      guards: live,
      summary: "Clear an account's sign-in lockouts (its e-mail from every address, its MFA step, and the per-IP locks of the addresses that failed on it)",
      handle: async ({ caller, params }) => ({ cleared: await deps.accounts.unlockSignIn(adminOf(caller), params.id, caller.correlationId) }),
    }),
  ];
}
