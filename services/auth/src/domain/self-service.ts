import { randomUUID } from 'node:crypto';
import { newEvent, type Actor } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { badRequest, notFound } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import type { UnitOfWork } from '@ecar/runtime';
import { claimAccountMail, type AccountMailPurpose } from '../data/account-mail-log.ts';
import { insertOneTimeToken, latestRegistrationPassword, lockOneTimeToken, spendOneTimeToken, spendOpenTokens, trimOpenTokens, voidOtherRegistrationLinks, type OneTimePurpose } from '../data/one-time-tokens.ts';
import { findSession } from '../data/sessions.ts';
import { findUserByEmail, findUserById, insertUser, lockUser, markEmailVerified, replacePassword, restartUnverified, type UserRow } from '../data/users.ts';
import type { Mailer } from './mailer.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { PasswordRules } from './password-rules.ts';
import { hashSecret, newSecret, userActor, type ClientContext, type SessionService } from './sessions.ts';
import { publishUserEvent } from './user-events.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

export interface SelfServiceOptions {
  publicBaseUrl: string;
  emailTokenTtlSeconds: number;
  /** Account e-mails to one address per hour at most (stored in the database: holds over every replica). */
  mailsPerAddressPerHour: number;
  /** Reset (or verification) links of one account open at the same time at most. */
  openLinksMax: number;
  /** An unconfirmed sign-up lives this long: then its links fail and a new registration starts it over. */
  unverifiedTtlSeconds: number;
}

/** What users do to their own account: password change, logout, sign-up, e-mail verification, password reset. */
export class SelfService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly rules: PasswordRules,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly options: SelfServiceOptions,
  ) {}

  /** The signed-in user's own account; a user disabled since the token was issued is gone. */
  async currentUser(userId: string): Promise<UserRow> {
    const user = await findUserById(this.unitOfWork.dataSource.manager, userId);
    if (!user || user.status !== 'active') throw notFound('User not found');
    return user;
  }

  async logout(userId: string, sessionId: string, client: ClientContext): Promise<void> {
    await inTransaction(this.unitOfWork, async (db) => {
      const user = await findUserById(db, userId);
      const session = await findSession(db, sessionId);
      if (!user || !session || session.userId !== userId) return;
      await this.sessions.revoke(db, { id: sessionId, ownerId: userId }, 'logout', userActor(user, client), client.correlationId);
    });
  }

  /** The current password is required; every session ends (the caller signs in again). */
  async changePassword(userId: string, currentPassword: string, newPassword: string, client: ClientContext): Promise<void> {
    const user = await findUserById(this.unitOfWork.dataSource.manager, userId);
    if (!user || user.status !== 'active') throw notFound('User not found');
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw badRequest('The current password is wrong', [{ path: 'currentPassword', code: 'wrong_password', message: 'The current password is wrong.' }]);
    }
    await this.setPassword(user, newPassword, 'self', userActor(user, client), client.correlationId);
  }

  private async setPassword(user: UserRow, password: string, via: 'self' | 'reset', actor: Actor, correlationId: string): Promise<void> {
    await this.rules.assertAcceptable(this.unitOfWork.dataSource.manager, password, { email: user.email, displayName: user.displayName }, user.id);
    const passwordHash = await this.hasher.hash(password);
    await inTransaction(this.unitOfWork, async (db) => {
      await lockUser(db, user.id);
      await replacePassword(db, user.id, passwordHash);
      await this.rules.remember(db, user.id, passwordHash);
      await this.sessions.revokeAll(db, user.id, via === 'self' ? 'password_changed' : 'password_reset', actor, correlationId);
      // Every reset link still open dies with the change, whichever way it was made.
      await spendOpenTokens(db, user.id, 'password_reset');
      await publish(this.unitOfWork, db, newEvent(authorOf(actor, correlationId), 'auth.password.changed', { type: 'user', id: user.id, ownerId: user.id }, { via }));
      // Following the reset link proved the mailbox: the address is verified (the owner of an
      // address someone else registered first gets the account this way).
      if (via === 'reset' && !user.emailVerifiedAt) {
        await markEmailVerified(db, user.id);
        await spendOpenTokens(db, user.id, 'email_verification');
        await publishUserEvent(this.unitOfWork, db, 'auth.user.verified', user, actor, correlationId);
      }
    });
  }

  /**
   * Customer sign-up (mobile). The answer is the same whether or not the e-mail is taken (no
   * enumeration); the owner of a taken address gets a notice instead of a verification link.
   */
  async register(input: { email: string; displayName: string; password: string }, client: ClientContext): Promise<void> {
    const email = input.email.trim().toLowerCase();
    await this.rules.assertAcceptable(this.unitOfWork.dataSource.manager, input.password, { email, displayName: input.displayName });
    const passwordHash = await this.hasher.hash(input.password);
    const outcome = await inTransaction(this.unitOfWork, async (db): Promise<{ link?: string; send: boolean }> => {
      const existing = await findUserByEmail(db, email);
      if (existing) {
        const send = await this.claimMail(db, email, existing.emailVerifiedAt || existing.status !== 'active' ? 'registration_notice' : 'email_verification', client);
        // An unverified account may be a squatter's: the address gets a new link carrying the
        // password chosen now, so whoever holds the mailbox ends up with their own password.
        if (!send || existing.emailVerifiedAt || existing.status !== 'active' || existing.role !== 'customer') return { send };
        if (this.expired(existing)) {
          // The squat (or the abandoned sign-up) lapsed: the account starts over as this registration's.
          await lockUser(db, existing.id);
          await spendOpenTokens(db, existing.id, 'email_verification');
          await restartUnverified(db, existing.id, passwordHash, input.displayName);
          await this.rules.remember(db, existing.id, passwordHash);
          const restarted = (await findUserById(db, existing.id))!;
          await publishUserEvent(this.unitOfWork, db, 'auth.user.updated', restarted, { system: 'self-registration', ip: client.ip, userAgent: client.userAgent }, client.correlationId);
          return { link: await this.issueLink(db, existing.id, 'email_verification', '/verify-email'), send };
        }
        const link = await this.issueLink(db, existing.id, 'email_verification', '/verify-email', passwordHash);
        await this.publishVerificationSent(db, existing.id, email, 're_registration', client);
        return { link, send };
      }
      const id = randomUUID();
      await insertUser(db, { id, email, displayName: input.displayName, role: 'customer', status: 'active', passwordHash, emailVerified: false });
      await this.rules.remember(db, id, passwordHash);
      const user = (await findUserById(db, id))!;
      await publishUserEvent(this.unitOfWork, db, 'auth.user.created', user, { system: 'self-registration', ip: client.ip, userAgent: client.userAgent }, client.correlationId);
      if (!(await this.claimMail(db, email, 'email_verification', client))) return { send: false };
      return { link: await this.issueLink(db, user.id, 'email_verification', '/verify-email'), send: true };
    });
    if (!outcome.send) return;
    const link = outcome.link;
    await this.mail(
      email,
      link ? 'Confirm your ECAR account' : 'Someone tried to create an ECAR account with your address',
      link
        ? `Welcome to ECAR. Confirm your e-mail address within ${Math.round(this.options.emailTokenTtlSeconds / 60)} minutes:\n\n${link}\n\nIf you did not sign up, ignore this message.`
        : 'An account already exists for this address. If this was you, sign in or reset your password. If not, you can ignore this message.',
    );
  }

  async verifyEmail(token: string, client: ClientContext): Promise<void> {
    await inTransaction(this.unitOfWork, async (db) => {
      const tokenHash = hashSecret(token);
      const row = await lockOneTimeToken(db, tokenHash, 'email_verification');
      if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw badRequest('This link is invalid or has expired');
      await spendOneTimeToken(db, tokenHash);
      const user = await lockUser(db, row.userId);
      if (!user || user.emailVerifiedAt || this.expired(user)) throw badRequest('This link is invalid or has expired');
      const actor = userActor(user, client);
      if (row.passwordHash && row.passwordHash !== user.passwordHash) {
        // The link of a later registration: its password replaces the one of the first registration.
        await replacePassword(db, user.id, row.passwordHash);
        await this.rules.remember(db, user.id, row.passwordHash);
        await this.sessions.revokeAll(db, user.id, 'password_changed', actor, client.correlationId);
        await publish(this.unitOfWork, db, newEvent(authorOf(actor, client.correlationId), 'auth.password.changed', { type: 'user', id: user.id, ownerId: user.id }, { via: 'registration' }));
      }
      await markEmailVerified(db, user.id);
      await spendOpenTokens(db, user.id, 'email_verification');
      await publishUserEvent(this.unitOfWork, db, 'auth.user.verified', user, actor, client.correlationId);
    });
  }

  /**
   * Re-sends the verification link of an unverified account (same answer for any address). The
   * link carries the password of the latest registration, as the one it replaces did.
   */
  async resendVerification(emailInput: string, client: ClientContext): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    const link = await inTransaction(this.unitOfWork, async (db) => {
      const user = await findUserByEmail(db, email);
      // An expired sign-up gets no new link: signing up again starts it over.
      if (!user || user.status !== 'active' || user.emailVerifiedAt || this.expired(user)) return undefined;
      if (!(await this.claimMail(db, email, 'email_verification', client))) return undefined;
      const link = await this.issueLink(db, user.id, 'email_verification', '/verify-email', await latestRegistrationPassword(db, user.id));
      await this.publishVerificationSent(db, user.id, email, 'resend', client);
      return link;
    });
    if (link) {
      void this.mail(
        email,
        'Confirm your ECAR account',
        `Confirm your e-mail address within ${Math.round(this.options.emailTokenTtlSeconds / 60)} minutes:\n\n${link}\n\nIf you did not sign up, ignore this message.`,
      );
    }
  }

  /** Always the same answer; a link is sent only to an existing, active account. */
  async requestPasswordReset(emailInput: string, client: ClientContext): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    const link = await inTransaction(this.unitOfWork, async (db) => {
      const user = await findUserByEmail(db, email);
      if (!user || user.status !== 'active') return undefined;
      if (!(await this.claimMail(db, email, 'password_reset', client))) return undefined;
      await publish(this.unitOfWork, db, newEvent(authorOf({ system: 'anonymous', ip: client.ip, userAgent: client.userAgent }, client.correlationId), 'auth.password.reset_requested', { type: 'user', id: user.id, ownerId: user.id }, { email }));
      return this.issueLink(db, user.id, 'password_reset', '/reset-password');
    });
    // Not awaited: the answer must take as long for an unknown address as for a known one.
    if (link) {
      void this.mail(
        email,
        'Reset your ECAR password',
        `Someone asked to reset the password of your ECAR account. To choose a new one within ${Math.round(this.options.emailTokenTtlSeconds / 60)} minutes, open:\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.`,
      );
    }
  }

  /**
   * Sets the new password and ends every session. It does not sign the user in: the next
   * sign-in still asks for the second factor, so a reset link never bypasses MFA.
   */
  async confirmPasswordReset(token: string, newPassword: string, client: ClientContext): Promise<void> {
    const userId = await inTransaction(this.unitOfWork, async (db) => {
      const row = await lockOneTimeToken(db, hashSecret(token), 'password_reset');
      if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw badRequest('This link is invalid or has expired');
      return row.userId;
    });
    const user = await findUserById(this.unitOfWork.dataSource.manager, userId);
    if (!user || user.status !== 'active') throw badRequest('This link is invalid or has expired');
    // The policy check happens before the link is spent, so a refused password does not burn it.
    await this.rules.assertAcceptable(this.unitOfWork.dataSource.manager, newPassword, { email: user.email, displayName: user.displayName }, user.id);
    await inTransaction(this.unitOfWork, (db) => this.spend(db, token, 'password_reset'));
    await this.setPassword(user, newPassword, 'reset', { system: 'password-reset', ip: client.ip, userAgent: client.userAgent }, client.correlationId);
  }

  /**
   * A new link; the older ones stay valid (each until used or expired) but at most
   * `openLinksMax` are open at once, the oldest voided first. A verification link voids the
   * links of the address's other registrations: only the latest registration's can verify it.
   */
  private async issueLink(db: EntityManager, userId: string, purpose: OneTimePurpose, path: string, passwordHash?: string): Promise<string> {
    const token = newSecret();
    if (purpose === 'email_verification') await voidOtherRegistrationLinks(db, userId, passwordHash);
    await trimOpenTokens(db, userId, purpose, this.options.openLinksMax - 1);
    await insertOneTimeToken(db, { tokenHash: hashSecret(token), purpose, userId, passwordHash, expiresAt: new Date(Date.now() + this.options.emailTokenTtlSeconds * 1000) });
    return `${this.options.publicBaseUrl.replace(/\/$/, '')}${path}#token=${token}`;
  }

  /** Spends a one-time link; the user it belongs to. */
  private async spend(db: EntityManager, token: string, purpose: OneTimePurpose): Promise<string> {
    const tokenHash = hashSecret(token);
    const row = await lockOneTimeToken(db, tokenHash, purpose);
    if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw badRequest('This link is invalid or has expired');
    await spendOneTimeToken(db, tokenHash);
    return row.userId;
  }

  /** An unconfirmed sign-up past its lifetime. */
  private expired(user: UserRow): boolean {
    return !user.emailVerifiedAt && user.createdAt.getTime() + this.options.unverifiedTtlSeconds * 1000 <= Date.now();
  }

  /** Counts an account e-mail to `email` against the per-address limit; false (audited) when over it. */
  private async claimMail(db: EntityManager, email: string, purpose: AccountMailPurpose, client: ClientContext): Promise<boolean> {
    if (await claimAccountMail(db, email, purpose, this.options.mailsPerAddressPerHour)) return true;
    const user = await findUserByEmail(db, email);
    await publish(
      this.unitOfWork,
      db,
      newEvent(authorOf({ system: 'anonymous', ip: client.ip, userAgent: client.userAgent }, client.correlationId), 'auth.account_mail.limited', { type: 'user', id: user?.id ?? email, ownerId: user?.id }, { email, purpose }),
    );
    return false;
  }

  private async publishVerificationSent(db: EntityManager, userId: string, email: string, reason: 're_registration' | 'resend', client: ClientContext): Promise<void> {
    await publish(
      this.unitOfWork,
      db,
      newEvent(authorOf({ system: 'anonymous', ip: client.ip, userAgent: client.userAgent }, client.correlationId), 'auth.email.verification_sent', { type: 'user', id: userId, ownerId: userId }, { email, reason }),
    );
  }

  /** Mail is sent after the commit; a relay failure is logged, the request still succeeds (no enumeration by error). */
  private async mail(to: string, subject: string, text: string): Promise<void> {
    try {
      await this.mailer.send({ to, subject, text });
    } catch (error) {
      this.logger.error('account e-mail could not be sent', { subject, error });
    }
  }
}

