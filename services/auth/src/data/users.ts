import type { EntityManager } from '@ecar/db';
import type { Role } from '@ecar/contracts';

export type UserStatus = 'active' | 'disabled';

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  passwordHash: string;
  createdAt: Date;
  emailVerifiedAt: Date | null;
  mfaSecretSealed: string | null;
  mfaPendingSecretSealed: string | null;
  mfaLastTimeStep: number | null;
}

const COLUMNS = `id, email, display_name AS "displayName", role, status, password_hash AS "passwordHash", created_at AS "createdAt",
  email_verified_at AS "emailVerifiedAt", mfa_secret_sealed AS "mfaSecretSealed", mfa_pending_secret_sealed AS "mfaPendingSecretSealed",
  mfa_last_time_step::float8 AS "mfaLastTimeStep"`;

export async function findUserByEmail(db: EntityManager, email: string): Promise<UserRow | undefined> {
  const rows: UserRow[] = await db.query(`SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0];
}

export async function findUserById(db: EntityManager, id: string): Promise<UserRow | undefined> {
  const rows: UserRow[] = await db.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0];
}

/** The row locked for the rest of the transaction (password change, MFA verification). */
export async function lockUser(db: EntityManager, id: string): Promise<UserRow | undefined> {
  const rows: UserRow[] = await db.query(`SELECT ${COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export async function insertUser(
  db: EntityManager,
  user: Pick<UserRow, 'id' | 'email' | 'displayName' | 'role' | 'status' | 'passwordHash'> & { emailVerified: boolean },
): Promise<void> {
  await db.query(
    `INSERT INTO users (id, email, display_name, role, status, password_hash, email_verified_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::boolean THEN now() END)`,
    [user.id, user.email, user.displayName, user.role, user.status, user.passwordHash, user.emailVerified],
  );
}

export async function updatePasswordHash(db: EntityManager, id: string, passwordHash: string): Promise<void> {
  await db.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [id, passwordHash]);
}

/** A new password (not a rehash): the change time is recorded. */
export async function replacePassword(db: EntityManager, id: string, passwordHash: string): Promise<void> {
  await db.query(`UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`, [id, passwordHash]);
}

export async function updateProfile(
  db: EntityManager,
  id: string,
  profile: { email: string; displayName: string; role: Role; status: UserStatus },
): Promise<void> {
  await db.query(`UPDATE users SET email = $2, display_name = $3, role = $4, status = $5, updated_at = now() WHERE id = $1`, [
    id,
    profile.email,
    profile.displayName,
    profile.role,
    profile.status,
  ]);
}

export async function markEmailVerified(db: EntityManager, id: string): Promise<void> {
  await db.query(`UPDATE users SET email_verified_at = now(), updated_at = now() WHERE id = $1 AND email_verified_at IS NULL`, [id]);
}

export async function setPendingMfaSecret(db: EntityManager, id: string, sealed: string): Promise<void> {
  await db.query(`UPDATE users SET mfa_pending_secret_sealed = $2, updated_at = now() WHERE id = $1`, [id, sealed]);
}

export async function activateMfa(db: EntityManager, id: string, sealed: string, timeStep: number): Promise<void> {
  await db.query(
    `UPDATE users SET mfa_secret_sealed = $2, mfa_pending_secret_sealed = NULL, mfa_enabled_at = now(), mfa_last_time_step = $3, updated_at = now()
      WHERE id = $1`,
    [id, sealed, timeStep],
  );
}

export async function recordMfaTimeStep(db: EntityManager, id: string, timeStep: number): Promise<void> {
  await db.query(`UPDATE users SET mfa_last_time_step = $2 WHERE id = $1`, [id, timeStep]);
}

export async function clearMfa(db: EntityManager, id: string): Promise<void> {
  await db.query(
    `UPDATE users SET mfa_secret_sealed = NULL, mfa_pending_secret_sealed = NULL, mfa_enabled_at = NULL, mfa_last_time_step = NULL, updated_at = now()
      WHERE id = $1`,
    [id],
  );
}

export async function countUsersWithRole(db: EntityManager, role: Role): Promise<number> {
  const rows: { count: string }[] = await db.query(`SELECT count(*) FROM users WHERE role = $1`, [role]);
  return Number(rows[0]?.count ?? 0);
}

export interface UserListFilter {
  role?: Role;
  status?: UserStatus;
  limit: number;
  offset: number;
}

export async function listUsers(db: EntityManager, filter: UserListFilter): Promise<{ items: UserRow[]; total: number }> {
  const where = `($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR status = $2)`;
  const params = [filter.role ?? null, filter.status ?? null];
  const items: UserRow[] = await db.query(`SELECT ${COLUMNS} FROM users WHERE ${where} ORDER BY created_at, id LIMIT $3 OFFSET $4`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  const count: { count: string }[] = await db.query(`SELECT count(*) FROM users WHERE ${where}`, params);
  return { items, total: Number(count[0]?.count ?? 0) };
}

/**
 * An unverified sign-up that expired is claimed again: the new registration's password and name,
 * and its lifetime starts over (`created_at`).
 */
export async function restartUnverified(db: EntityManager, id: string, passwordHash: string, displayName: string): Promise<void> {
  await db.query(
    `UPDATE users SET password_hash = $2, display_name = $3, password_changed_at = now(), created_at = now(), updated_at = now()
      WHERE id = $1 AND email_verified_at IS NULL`,
    [id, passwordHash, displayName],
  );
}
