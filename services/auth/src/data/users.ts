import type { EntityManager } from '@ecar/db';
import type { Role } from '@ecar/contracts';

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'active' | 'disabled';
  passwordHash: string;
  createdAt: Date;
}

const COLUMNS = `id, email, display_name AS "displayName", role, status, password_hash AS "passwordHash", created_at AS "createdAt"`;

export async function findUserByEmail(db: EntityManager, email: string): Promise<UserRow | undefined> {
  const rows: UserRow[] = await db.query(`SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0];
}

export async function findUserById(db: EntityManager, id: string): Promise<UserRow | undefined> {
  const rows: UserRow[] = await db.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0];
}

export async function insertUser(db: EntityManager, user: Omit<UserRow, 'createdAt'>): Promise<void> {
  await db.query(
    `INSERT INTO users (id, email, display_name, role, status, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
    [user.id, user.email, user.displayName, user.role, user.status, user.passwordHash],
  );
}

export async function updatePasswordHash(db: EntityManager, id: string, passwordHash: string): Promise<void> {
  await db.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [id, passwordHash]);
}

export async function countUsersWithRole(db: EntityManager, role: Role): Promise<number> {
  const rows: { count: string }[] = await db.query(`SELECT count(*) FROM users WHERE role = $1`, [role]);
  return Number(rows[0]?.count ?? 0);
}
