import { setTimeout as sleep } from 'node:timers/promises';
import { newEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { AppError, tooManyRequests, unauthorized } from '@ecar/errors';
import type { UnitOfWork } from '@ecar/runtime';
import { findUserByEmail, updatePasswordHash, type UserRow } from '../data/users.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { MfaService } from './mfa.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { userActor, type ClientContext, type IssuedTokens, type SessionService } from './sessions.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

export interface LoginInput {
  email: string;
  password: string;
  client: 'web' | 'mobile';
}

export type LoginOutcome =
  | { kind: 'tokens'; tokens: IssuedTokens; user: UserRow; mfaEnrolmentRequired: boolean }
  | { kind: 'mfa_required'; mfaToken: string; expiresIn: number };

type FailureReason = 'unknown_user' | 'bad_password' | 'disabled' | 'locked' | 'email_unverified';

/** One message for every credential failure, so the answer never tells whether an account exists. */
const INVALID_CREDENTIALS = 'Invalid e-mail or password';

export class LoginService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly mfa: MfaService,
  ) {}

  async login(input: LoginInput, client: ClientContext): Promise<LoginOutcome> {
    const email = input.email.trim().toLowerCase();
    const verdict = await this.throttle.check(email, client);
    if (verdict.locked) {
      // Decided before the user is looked up: a locked unknown e-mail answers like a locked known one.
      await inTransaction(this.unitOfWork, (db) => this.recordFailure(db, email, undefined, 'locked', client));
      throw tooManyRequests(verdict.retryAfterSeconds, 'Too many failed sign-in attempts; try again later');
    }
    const user = await findUserByEmail(this.unitOfWork.dataSource.manager, email);
    // Always verify a hash (a dummy one for unknown users) so timing does not reveal accounts.
    const passwordOk = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !passwordOk) {
      const delayMs = await inTransaction(this.unitOfWork, async (db) => {
        await this.recordFailure(db, email, user, user ? 'bad_password' : 'unknown_user', client);
        return this.throttle.failed(db, email, client);
      });
      if (delayMs > 0) await sleep(delayMs);
      throw unauthorized(INVALID_CREDENTIALS);
    }
    if (user.status !== 'active') {
      await inTransaction(this.unitOfWork, (db) => this.recordFailure(db, email, user, 'disabled', client));
      throw unauthorized(INVALID_CREDENTIALS);
    }
    if (!user.emailVerifiedAt) {
      await inTransaction(this.unitOfWork, (db) => this.recordFailure(db, email, user, 'email_unverified', client));
      throw new AppError('Confirm your e-mail address first: follow the link we sent you', { status: 403, name: 'email-unverified', title: 'E-mail not verified' });
    }

    return inTransaction(this.unitOfWork, async (db): Promise<LoginOutcome> => {
      await this.throttle.succeeded(db, email, client);
      if (this.hasher.needsRehash(user.passwordHash)) await updatePasswordHash(db, user.id, await this.hasher.hash(input.password));
      if (user.mfaSecretSealed) {
        const challenge = await this.mfa.challenge(db, user, input.client);
        return { kind: 'mfa_required', ...challenge };
      }
      const tokens = await this.sessions.open(db, user, input.client, client, false);
      await publish(this.unitOfWork, db, newEvent(authorOf(userActor(user, client), client.correlationId), 'auth.login.succeeded', { type: 'user', id: user.id, ownerId: user.id }, { email, mfa: false, method: 'password' }));
      // A super-admin without MFA gets a session that can only enrol (AUTH-7).
      return { kind: 'tokens', tokens, user, mfaEnrolmentRequired: user.role === 'super-admin' };
    });
  }

  private async recordFailure(db: EntityManager, email: string, user: UserRow | undefined, reason: FailureReason, client: ClientContext): Promise<void> {
    await publish(this.unitOfWork, db, newEvent(authorOf({ system: 'anonymous', ip: client.ip, userAgent: client.userAgent }, client.correlationId), 'auth.login.failed', { type: 'user', id: user?.id ?? 'unknown', ...(user ? { ownerId: user.id } : {}) }, { email, reason }));
  }
}
