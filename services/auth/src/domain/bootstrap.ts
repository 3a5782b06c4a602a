import { randomInt, randomUUID } from 'node:crypto';
import { newEvent } from '@ecar/contracts';
import type { UnitOfWork } from '@ecar/runtime';
import { lockForTransaction } from '../data/advisory-locks.ts';
import { recordPasswordHash } from '../data/password-history.ts';
import { countUsersWithRole, insertUser } from '../data/users.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const SYMBOLS = '!#%+=?@';

/** 20 random characters with every class the password policy asks for. */
export function generatePassword(): string {
  const body = Array.from({ length: 17 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${body}${SYMBOLS[randomInt(SYMBOLS.length)]}${randomInt(10)}a`.replace(/^./, (c) => c.toUpperCase());
}

export interface BootstrapResult {
  created: boolean;
  email: string;
  /** Set only when the password was generated here: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** Creates the first super-admin when none exists (idempotent across restarts and replicas). */
export async function ensureBootstrapAdmin(
  unitOfWork: UnitOfWork,
  hasher: PasswordHasher,
  email: string,
  password: string | undefined,
): Promise<BootstrapResult> {
  const normalisedEmail = email.trim().toLowerCase();
  const chosen = password ?? generatePassword();
  const hash = await hasher.hash(chosen);
  return inTransaction(unitOfWork, async (db) => {
    // Serialises concurrent first starts of several replicas.
    await lockForTransaction(db, 'bootstrap');
    if ((await countUsersWithRole(db, 'super-admin')) > 0) return { created: false, email: normalisedEmail };
    const id = randomUUID();
    await insertUser(db, { id, email: normalisedEmail, displayName: 'Administrator', role: 'super-admin', status: 'active', passwordHash: hash, emailVerified: true });
    await recordPasswordHash(db, id, hash);
    await publish(unitOfWork, db, newEvent(authorOf({ system: 'bootstrap' }, `bootstrap-${id}`), 'auth.user.created', { type: 'user', id, ownerId: id }, { userId: id, email: normalisedEmail, role: 'super-admin', displayName: 'Administrator' }));
    return { created: true, email: normalisedEmail, ...(password ? {} : { generatedPassword: chosen }) };
  });
}
