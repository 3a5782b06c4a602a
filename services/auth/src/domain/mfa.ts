import { randomInt } from 'node:crypto';
import { newEvent } from '@ecar/contracts';
import type { Keyring } from '@ecar/crypto';
import type { EntityManager } from '@ecar/db';
import { badRequest, conflict, forbidden, notFound, tooManyRequests, unauthorized } from '@ecar/errors';
import type { UnitOfWork } from '@ecar/runtime';
import { deleteRecoveryCodes, replaceRecoveryCodes, spendRecoveryCode } from '../data/recovery-codes.ts';
import { insertOneTimeToken, lockOneTimeToken, spendOneTimeToken } from '../data/one-time-tokens.ts';
import { activateMfa, clearMfa, findUserById, lockUser, recordMfaTimeStep, setPendingMfaSecret, type UserRow } from '../data/users.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { hashSecret, newSecret, userActor, type ClientContext, type IssuedTokens, type SessionService, type UserActor } from './sessions.ts';
import type { Totp } from './totp.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

const CHALLENGE_TTL_SECONDS = 300;
const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 12 unbiased random characters of 31 (≈ 59 bits) as xxxx-xxxx-xxxx; stored as SHA-256, enough for random secrets. */
function newRecoveryCode(): string {
  const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

function normaliseRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/[\s-]/g, '');
}

export type MfaProof = { code: string } | { recoveryCode: string };

/** TOTP enrolment, the MFA step of sign-in, recovery codes and resets (AUTH-7). */
export class MfaService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly keyring: Keyring,
    private readonly totp: Totp,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** The TOTP secret is sealed with AAD bound to the user: a secret copied to another row fails to open. */
  private aad(userId: string): string {
    return `users.mfa_secret.${userId}`;
  }

  /** Short-lived, single-use proof that the password step passed (inside the login transaction). */
  async challenge(db: EntityManager, user: UserRow, client: 'web' | 'mobile'): Promise<{ mfaToken: string; expiresIn: number }> {
    const mfaToken = newSecret();
    await insertOneTimeToken(db, { tokenHash: hashSecret(mfaToken), purpose: 'mfa_challenge', userId: user.id, client, expiresAt: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000) });
    return { mfaToken, expiresIn: CHALLENGE_TTL_SECONDS };
  }

  /**
   * Second step of sign-in. A wrong code spends the challenge (the password must be typed again)
   * and counts as a failed sign-in for the throttle; a TOTP code is accepted once (its time step
   * is remembered), a recovery code once ever.
   */
  async completeSignIn(mfaToken: string, proof: MfaProof, client: ClientContext): Promise<{ tokens: IssuedTokens; user: UserRow }> {
    const tokenHash = hashSecret(mfaToken);
    const outcome = await inTransaction(this.unitOfWork, async (db) => {
      const challenge = await lockOneTimeToken(db, tokenHash, 'mfa_challenge');
      if (!challenge || challenge.usedAt || challenge.expiresAt.getTime() <= Date.now()) return { ok: false as const, reason: 'challenge' };
      await spendOneTimeToken(db, tokenHash);
      const user = await lockUser(db, challenge.userId);
      if (!user || user.status !== 'active' || !user.mfaSecretSealed) return { ok: false as const, reason: 'challenge' };
      // Per account: after MFA_LOCK_AFTER wrong codes (from any address) even a right one is refused for a while.
      const verdict = await this.throttle.checkMfa(db, user.id, user.email, client);
      if (verdict.locked) {
        await publish(this.unitOfWork, db, newEvent(authorOf({ system: 'anonymous', ip: client.ip, userAgent: client.userAgent }, client.correlationId), 'auth.login.failed', { type: 'user', id: user.id, ownerId: user.id }, { email: user.email, reason: 'locked' }));
        return { ok: false as const, reason: 'locked', retryAfterSeconds: verdict.retryAfterSeconds };
      }
      const method = await this.checkProof(db, user, proof, client);
      if (!method) {
        await publish(this.unitOfWork, db, newEvent(authorOf({ system: 'anonymous', ip: client.ip, userAgent: client.userAgent }, client.correlationId), 'auth.login.failed', { type: 'user', id: user.id, ownerId: user.id }, { email: user.email, reason: 'mfa_failed' }));
        await this.throttle.failed(db, user.email, client);
        await this.throttle.mfaFailed(db, user.id, user.email, client);
        return { ok: false as const, reason: 'code' };
      }
      await this.throttle.mfaSucceeded(db, user.id);
      const tokens = await this.sessions.open(db, user, challenge.client ?? 'mobile', client, true);
      await publish(this.unitOfWork, db, newEvent(authorOf(userActor(user, client), client.correlationId), 'auth.login.succeeded', { type: 'user', id: user.id, ownerId: user.id }, { email: user.email, mfa: true, method }));
      return { ok: true as const, tokens, user };
    });
    if (!outcome.ok && outcome.reason === 'locked') throw tooManyRequests(outcome.retryAfterSeconds ?? 1, 'Too many wrong codes for this account; try again later or ask an administrator');
    if (!outcome.ok) throw unauthorized(outcome.reason === 'code' ? 'Invalid code; sign in again' : 'The sign-in step expired; sign in again');
    return { tokens: outcome.tokens, user: outcome.user };
  }

  private async checkProof(db: EntityManager, user: UserRow, proof: MfaProof, client: ClientContext): Promise<'totp' | 'recovery_code' | undefined> {
    if ('code' in proof) {
      const secret = this.keyring.openText(user.mfaSecretSealed!, this.aad(user.id));
      const step = await this.totp.check(secret, proof.code, user.mfaLastTimeStep);
      if (step === undefined) return undefined;
      await recordMfaTimeStep(db, user.id, step);
      return 'totp';
    }
    const remaining = await spendRecoveryCode(db, user.id, hashSecret(normaliseRecoveryCode(proof.recoveryCode)));
    if (remaining === undefined) return undefined;
    await publish(this.unitOfWork, db, newEvent(authorOf(userActor(user, client), client.correlationId), 'auth.mfa.recovery_code_used', { type: 'user', id: user.id, ownerId: user.id }, { remaining }));
    return 'recovery_code';
  }

  /** Starts (or restarts) enrolment: a new secret, kept pending until a code from it is confirmed. */
  async beginEnrolment(userId: string): Promise<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }> {
    const user = await findUserById(this.unitOfWork.dataSource.manager, userId);
    if (!user || user.status !== 'active') throw notFound('User not found');
    if (user.mfaSecretSealed) throw conflict('MFA is already enrolled; another super-admin can reset it');
    const secret = this.totp.newSecret();
    await setPendingMfaSecret(this.unitOfWork.dataSource.manager, user.id, this.keyring.seal(secret, this.aad(user.id)));
    return { secret, ...(await this.totp.provisioning(secret, user.email)) };
  }

  /** Confirms enrolment with a code; the current session becomes an MFA session; recovery codes are shown once. */
  async confirmEnrolment(userId: string, sessionId: string, code: string, client: ClientContext): Promise<{ tokens: IssuedTokens; recoveryCodes: string[] }> {
    return inTransaction(this.unitOfWork, async (db) => {
      const user = await lockUser(db, userId);
      if (!user || user.status !== 'active') throw notFound('User not found');
      if (user.mfaSecretSealed) throw conflict('MFA is already enrolled');
      if (!user.mfaPendingSecretSealed) throw badRequest('Start the enrolment first (POST auth/mfa/totp/setup)');
      const secret = this.keyring.openText(user.mfaPendingSecretSealed, this.aad(user.id));
      const step = await this.totp.check(secret, code, null);
      if (step === undefined) throw badRequest('The code does not match; check the device clock and try again', [{ path: 'code', code: 'invalid_code', message: 'Invalid code' }]);
      await activateMfa(db, user.id, user.mfaPendingSecretSealed, step);
      const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await replaceRecoveryCodes(db, user.id, recoveryCodes.map((value) => hashSecret(normaliseRecoveryCode(value))));
      await publish(this.unitOfWork, db, newEvent(authorOf(userActor(user, client), client.correlationId), 'auth.mfa.enrolled', { type: 'user', id: user.id, ownerId: user.id }, { method: 'totp', recoveryCodes: RECOVERY_CODES }));
      const tokens = await this.sessions.upgradeToMfa(db, user, sessionId);
      return { tokens, recoveryCodes };
    });
  }

  /** Another super-admin (never oneself) clears a user's MFA; their sessions end (audited). */
  async reset(actor: UserActor, targetId: string, correlationId: string): Promise<void> {
    if (actor.userId === targetId) throw forbidden('MFA must be reset by another super-admin');
    await inTransaction(this.unitOfWork, async (db) => {
      const target = await lockUser(db, targetId);
      if (!target) throw notFound('User not found');
      await clearMfa(db, target.id);
      await deleteRecoveryCodes(db, target.id);
      await this.sessions.revokeAll(db, target.id, 'mfa_reset', actor, correlationId);
      await publish(this.unitOfWork, db, newEvent(authorOf(actor, correlationId), 'auth.mfa.reset', { type: 'user', id: target.id, ownerId: target.id }, { method: 'totp' }));
    });
  }
}
