import type { EntityManager } from '@ecar/db';

/** Work that two replicas (or a replica and the CLI) must never do at the same time. */
export type AuthLock = 'bootstrap' | 'signing_keys';

/** Holds `lock` until the caller's transaction ends. */
export async function lockForTransaction(db: EntityManager, lock: AuthLock): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`ecar.auth.${lock}`]);
}
