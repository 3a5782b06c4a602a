import { randomUUID } from 'node:crypto';
import type { Role } from '@ecar/contracts';
import { conflict, forbidden, notFound } from '@ecar/errors';
import type { UnitOfWork } from '@ecar/runtime';
import { listLiveSessions, type SessionSummary } from '../data/sessions.ts';
import { findUserByEmail, findUserById, insertUser, listUsers, lockUser, updateProfile, type UserListFilter, type UserRow, type UserStatus } from '../data/users.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { PasswordRules } from './password-rules.ts';
import type { SessionService, UserActor } from './sessions.ts';
import { publishUserEvent } from './user-events.ts';
import { inTransaction } from './auth-events.ts';

export type AdminActor = UserActor;

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  emailVerified: boolean;
  mfaEnrolled: boolean;
  createdAt: string;
}

export function userView(user: UserRow): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerifiedAt !== null,
    mfaEnrolled: user.mfaSecretSealed !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

export interface UserPatch {
  email?: string;
  displayName?: string;
  role?: Role;
}

/** What a super-admin does to accounts (`/api/v1/users…`); every action is an audited event. */
export class AccountAdministration {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly rules: PasswordRules,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
  ) {}

  async create(actor: AdminActor, input: { email: string; displayName: string; role: Role; password: string }, correlationId: string): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    await this.rules.assertAcceptable(this.unitOfWork.dataSource.manager, input.password, { email, displayName: input.displayName });
    const passwordHash = await this.hasher.hash(input.password);
    return inTransaction(this.unitOfWork, async (db) => {
      if (await findUserByEmail(db, email)) throw conflict('A user with this e-mail already exists');
      const id = randomUUID();
      await insertUser(db, { id, email, displayName: input.displayName, role: input.role, status: 'active', passwordHash, emailVerified: true });
      await this.rules.remember(db, id, passwordHash);
      const user = (await findUserById(db, id))!;
      await publishUserEvent(this.unitOfWork, db, 'auth.user.created', user, actor, correlationId);
      return userView(user);
    });
  }

  async list(filter: UserListFilter): Promise<{ items: UserView[]; total: number }> {
    const page = await listUsers(this.unitOfWork.dataSource.manager, filter);
    return { items: page.items.map(userView), total: page.total };
  }

  async get(id: string): Promise<UserView> {
    const user = await findUserById(this.unitOfWork.dataSource.manager, id);
    if (!user) throw notFound('User not found');
    return userView(user);
  }

  async update(actor: AdminActor, id: string, patch: UserPatch, correlationId: string): Promise<UserView> {
    return inTransaction(this.unitOfWork, async (db) => {
      const user = await lockUser(db, id);
      if (!user) throw notFound('User not found');
      if (patch.role && patch.role !== user.role && actor.userId === id) throw forbidden('You cannot change your own role');
      const next = {
        email: patch.email?.trim().toLowerCase() ?? user.email,
        displayName: patch.displayName ?? user.displayName,
        role: patch.role ?? user.role,
        status: user.status,
      };
      if (next.email !== user.email) {
        const other = await findUserByEmail(db, next.email);
        if (other && other.id !== id) throw conflict('A user with this e-mail already exists');
      }
      const changes: Record<string, [unknown, unknown]> = {};
      if (next.email !== user.email) changes['email'] = [user.email, next.email];
      if (next.displayName !== user.displayName) changes['displayName'] = [user.displayName, next.displayName];
      if (next.role !== user.role) changes['role'] = [user.role, next.role];
      if (Object.keys(changes).length === 0) return userView(user);
      await updateProfile(db, id, next);
      // A role change must not leave tokens carrying the old role alive.
      if (changes['role']) await this.sessions.revokeAll(db, id, 'role_changed', actor, correlationId);
      const updated = (await findUserById(db, id))!;
      await publishUserEvent(this.unitOfWork, db, 'auth.user.updated', updated, actor, correlationId, changes);
      return userView(updated);
    });
  }

  async disable(actor: AdminActor, id: string, correlationId: string): Promise<UserView> {
    if (actor.userId === id) throw forbidden('You cannot disable your own account');
    return inTransaction(this.unitOfWork, async (db) => {
      const user = await lockUser(db, id);
      if (!user) throw notFound('User not found');
      if (user.status === 'disabled') return userView(user);
      await updateProfile(db, id, { email: user.email, displayName: user.displayName, role: user.role, status: 'disabled' });
      await this.sessions.revokeAll(db, id, 'user_disabled', actor, correlationId);
      const updated = (await findUserById(db, id))!;
      await publishUserEvent(this.unitOfWork, db, 'auth.user.disabled', updated, actor, correlationId, { status: ['active', 'disabled'] });
      return userView(updated);
    });
  }

  async sessionsOf(id: string): Promise<SessionSummary[]> {
    if (!(await findUserById(this.unitOfWork.dataSource.manager, id))) throw notFound('User not found');
    return listLiveSessions(this.unitOfWork.dataSource.manager, id);
  }

  async revokeSessions(actor: AdminActor, id: string, correlationId: string): Promise<number> {
    return inTransaction(this.unitOfWork, async (db) => {
      if (!(await findUserById(db, id))) throw notFound('User not found');
      return this.sessions.revokeAll(db, id, 'admin_revoked', actor, correlationId);
    });
  }

  async signInIpLocks(page: { limit: number; offset: number }): Promise<{ items: Array<{ ip: string; failures: number; lockedUntil: Date }>; total: number }> {
    return this.throttle.ipLocks(this.unitOfWork.dataSource.manager, page);
  }

  /** Lifts the per-IP sign-in lock of one address (audited); 404 when it is not locked. */
  async unlockSignInIp(actor: AdminActor, ip: string, correlationId: string): Promise<void> {
    const lifted = await inTransaction(this.unitOfWork, (db) => this.throttle.unlockIp(db, ip, actor, correlationId));
    if (!lifted) throw notFound('This address has no sign-in lock');
  }

  async unlockSignIn(actor: AdminActor, id: string, correlationId: string): Promise<number> {
    return inTransaction(this.unitOfWork, async (db) => {
      const user = await findUserById(db, id);
      if (!user) throw notFound('User not found');
      return this.throttle.unlockEmail(db, user.email, actor, correlationId, user.id);
    });
  }
}
