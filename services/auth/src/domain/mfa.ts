import { randomInt } from 'node:crypto';
import { newEvent } from '@ecar/contracts';
import type { Keyring } from '@ecar/crypto';
import type { EntityManager } from '@ecar/db';
import { badRequest, conflict, forbidden, notFound, serviceUnavailable, tooManyRequests, unauthorized } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import type { UnitOfWork } from '@ecar/runtime';
import { claimAccountMail } from '../data/account-mail-log.ts';
import { countEnrolmentAttempt, deleteEnrolmentCode, lockEnrolmentCode, replaceEnrolmentCode } from '../data/mfa-enrolment-codes.ts';
import { deleteRecoveryCodes, replaceRecoveryCodes, spendRecoveryCode } from '../data/recovery-codes.ts';
import { insertOneTimeToken, lockOneTimeToken, spendOneTimeToken } from '../data/one-time-tokens.ts';
import { activateMfa, clearMfa, lockUser, recordMfaTimeStep, setPendingMfaSecret, type UserRow } from '../data/users.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { Mailer } from './mailer.ts';
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

/** 8 random digits: the one-time code e-mailed when enrolment starts. */
function newEnrolmentCode(): string {
  return String(randomInt(100_000_000)).padStart(8, '0');
}

/** Bound to the user, so equal codes of two users never share a hash. */
function enrolmentCodeHash(userId: string, code: string): Buffer {
  return hashSecret(`mfa_enrolment:${userId}:${code.trim()}`);
}

export interface EnrolmentCodeOptions {
  /** How long the e-mailed code is valid. */
  ttlSeconds: number;
  /** Wrong codes accepted before the code is void (enrolment starts again). */
  attempts: number;
  /** The account e-mails per address and hour (shared with sign-up and reset mails). */
  mailsPerAddressPerHour: number;
}

/** TOTP enrolment, the MFA step of sign-in, recovery codes and resets (AUTH-7). */
export class MfaService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly keyring: Keyring,
    private readonly totp: Totp,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly enrolmentCodes: EnrolmentCodeOptions,
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

  /**
   * Starts (or restarts) enrolment: a new secret, kept pending until confirmed, and a one-time
   * code e-mailed to the account's verified address (finding 9 of issue 12: whoever knows only
   * the password cannot enrol an authenticator of their own). A new start voids the older code.
   */
  async beginEnrolment(userId: string, client: ClientContext): Promise<{ secret: string; otpauthUri: string; qrCodeDataUrl: string; emailCodeExpiresIn: number }> {
    const secret = this.totp.newSecret();
    const code = newEnrolmentCode();
    const { ttlSeconds, mailsPerAddressPerHour } = this.enrolmentCodes;
    const outcome = await inTransaction(this.unitOfWork, async (db) => {
      const user = await lockUser(db, userId);
      if (!user || user.status !== 'active') throw notFound('User not found');
      if (user.mfaSecretSealed) throw conflict('MFA is already enrolled; another super-admin can reset it');
      if (!user.emailVerifiedAt) throw conflict('Confirm your e-mail address first: the enrolment code is sent there');
      if (!(await claimAccountMail(db, user.email, 'mfa_enrolment', mailsPerAddressPerHour))) {
        await publish(this.unitOfWork, db, newEvent(authorOf(userActor(user, client), client.correlationId), 'auth.account_mail.limited', { type: 'user', id: user.id, ownerId: user.id }, { email: user.email, purpose: 'mfa_enrolment' }));
        return { limited: true as const };
      }
      await setPendingMfaSecret(db, user.id, this.keyring.seal(secret, this.aad(user.id)));
      await replaceEnrolmentCode(db, user.id, enrolmentCodeHash(user.id, code), new Date(Date.now() + ttlSeconds * 1000));
      return { limited: false as const, user };
    });
    if (outcome.limited) throw tooManyRequests(3600, 'Too many e-mails to this address within an hour; try again later');
    const { user } = outcome;
    try {
      await this.mailer.send({
        to: user.email,
        subject: 'Your ECAR code to set up two-step sign-in',
        text: `Someone (hopefully you) is setting up an authenticator app for your ECAR account. To finish, enter this code within ${Math.round(ttlSeconds / 60)} minutes:\n\nCode: ${code}\n\nIf it was not you, do not share the code: change your password and tell the garage's administrator.`,
      });
    } catch (error) {
      this.logger.error('MFA enrolment code could not be sent', { error });
      throw serviceUnavailable('The enrolment code could not be e-mailed; try again in a moment');
    }
    return { secret, ...(await this.totp.provisioning(secret, user.email)), emailCodeExpiresIn: ttlSeconds };
  }

  /**
   * Confirms enrolment with the e-mailed code and a code of the new authenticator; the current
   * session becomes an MFA session; recovery codes are shown once. The e-mailed code is single-use
   * and void after `attempts` wrong tries or its lifetime (the user starts again).
   */
  async confirmEnrolment(userId: string, sessionId: string, proof: { code: string; emailCode: string }, client: ClientContext): Promise<{ tokens: IssuedTokens; recoveryCodes: string[] }> {
    const outcome = await inTransaction(this.unitOfWork, async (db) => {
      const user = await lockUser(db, userId);
      if (!user || user.status !== 'active') throw notFound('User not found');
      if (user.mfaSecretSealed) throw conflict('MFA is already enrolled');
      const emailed = await lockEnrolmentCode(db, user.id);
      if (!user.mfaPendingSecretSealed || !emailed) throw badRequest('Start the enrolment first (POST auth/mfa/totp/setup)');
      if (emailed.expiresAt.getTime() <= Date.now()) {
        await deleteEnrolmentCode(db, user.id);
        return { ok: false as const, problem: 'expired' as const };
      }
      if (!enrolmentCodeHash(user.id, proof.emailCode).equals(emailed.codeHash)) {
        if (emailed.attempts + 1 >= this.enrolmentCodes.attempts) await deleteEnrolmentCode(db, user.id);
        else await countEnrolmentAttempt(db, user.id);
        return { ok: false as const, problem: emailed.attempts + 1 >= this.enrolmentCodes.attempts ? ('spent' as const) : ('wrong' as const) };
      }
      const secret = this.keyring.openText(user.mfaPendingSecretSealed, this.aad(user.id));
      const step = await this.totp.check(secret, proof.code, null);
      if (step === undefined) throw badRequest('The code does not match; check the device clock and try again', [{ path: 'code', code: 'invalid_code', message: 'Invalid code' }]);
      await deleteEnrolmentCode(db, user.id);
      await activateMfa(db, user.id, user.mfaPendingSecretSealed, step);
      const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await replaceRecoveryCodes(db, user.id, recoveryCodes.map((value) => hashSecret(normaliseRecoveryCode(value))));
      await publish(this.unitOfWork, db, newEvent(authorOf(userActor(user, client), client.correlationId), 'auth.mfa.enrolled', { type: 'user', id: user.id, ownerId: user.id }, { method: 'totp', recoveryCodes: RECOVERY_CODES }));
      const tokens = await this.sessions.upgradeToMfa(db, user, sessionId);
      return { ok: true as const, tokens, recoveryCodes };
    });
    if (outcome.ok) return { tokens: outcome.tokens, recoveryCodes: outcome.recoveryCodes };
    const messages = {
      wrong: 'The e-mailed code is wrong',
      spent: 'Too many wrong e-mailed codes: start the enrolment again for a new one',
      expired: 'The e-mailed code has expired: start the enrolment again for a new one',
    };
    throw badRequest(messages[outcome.problem], [{ path: 'emailCode', code: outcome.problem === 'wrong' ? 'invalid_code' : 'expired_code', message: messages[outcome.problem] }]);
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
