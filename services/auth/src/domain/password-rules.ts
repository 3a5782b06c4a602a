import type { EntityManager } from '@ecar/db';
import { badRequest } from '@ecar/errors';
import { prunePasswordHistory, recentPasswordHashes, recordPasswordHash } from '../data/password-history.ts';
import type { CommonPasswords } from './common-passwords.ts';
import { PASSWORD_REUSED, passwordViolations, type PasswordPolicyOptions, type PasswordSubject } from './password-policy.ts';
import type { PasswordHasher } from './password-hasher.ts';

/** The password policy applied to a new password, history included; every violation reported at once. */
export class PasswordRules {
  constructor(
    private readonly policy: PasswordPolicyOptions,
    private readonly common: CommonPasswords,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Throws a 400 problem listing every rule broken; `userId` enables the history check. */
  async assertAcceptable(db: EntityManager, password: string, subject: PasswordSubject, userId?: string): Promise<void> {
    const problems = passwordViolations(password, subject, this.policy, (candidate) => this.common.has(candidate));
    if (userId && this.policy.historySize > 0 && problems.length === 0) {
      const previous = await recentPasswordHashes(db, userId, this.policy.historySize);
      if (await this.hasher.matchesAny(previous, password)) problems.push(PASSWORD_REUSED);
    }
    if (problems.length > 0) throw badRequest('The password does not meet the password policy', problems);
  }

  /** Hashes an accepted password and records it in the history. */
  async remember(db: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await recordPasswordHash(db, userId, passwordHash);
    await prunePasswordHistory(db, userId, Math.max(1, this.policy.historySize));
  }
}
