import type { EntityManager } from '@ecar/db';

export interface SubjectReadRow {
  seq: string;
  type: string;
  actorId: string | null;
  actorRole: string | null;
  actorSystem: string | null;
  occurredAt: Date;
  /** Stored (masked) canonical JSON. */
  data: string;
}

/**
 * The garage customers an account is: the garage names the account as `ownerId` of its events
 * about that customer (profile created, updated or read, vehicle registered, work completed), and
 * audit keeps it as `subject_owner` next to the customer the row concerns. Only the garage's own
 * events count.
 */
export async function customersOwnedBy(db: EntityManager, userId: string): Promise<string[]> {
  const rows: Array<{ ref_id: string }> = await db.query(
    `SELECT DISTINCT r.ref_id FROM audit_events e JOIN audit_refs r ON r.seq = e.seq AND r.ref_type = 'customer'
      WHERE e.subject_owner = $1 AND e.producer = 'garage'`,
    [userId],
  );
  return rows.map((row) => row.ref_id);
}

/** Reads (action `access`) that concern any of these customers, not by `exceptActor`, newest first. */
export async function readsOfCustomers(
  db: EntityManager,
  query: { customerIds: readonly string[]; exceptActor: string; before?: bigint; limit: number },
): Promise<SubjectReadRow[]> {
  if (query.customerIds.length === 0) return [];
  return db.query(
    `SELECT e.seq::text AS seq, e.type, e.actor_id AS "actorId", e.actor_role AS "actorRole", e.actor_system AS "actorSystem",
            e.occurred_at AS "occurredAt", e.data
       FROM audit_events e
      WHERE e.seq IN (SELECT r.seq FROM audit_refs r WHERE r.ref_type = 'customer' AND r.ref_id = ANY($1::text[]))
        AND e.action = 'access'
        AND e.actor_id IS DISTINCT FROM $2
        AND ($3::bigint IS NULL OR e.seq < $3::bigint)
      ORDER BY e.seq DESC LIMIT $4`,
    [query.customerIds, query.exceptActor, query.before?.toString() ?? null, query.limit],
  );
}

/** The latest display name auth published for each of these accounts (auth.user.created/updated). */
export async function displayNames(db: EntityManager, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows: Array<{ subject_id: string; name: string | null }> = await db.query(
    `SELECT DISTINCT ON (subject_id) subject_id, data::jsonb ->> 'displayName' AS name
       FROM audit_events
      WHERE producer = 'auth' AND subject_type = 'user' AND subject_id = ANY($1::text[])
        AND type IN ('auth.user.created', 'auth.user.updated') AND (data::jsonb ->> 'displayName') IS NOT NULL
      ORDER BY subject_id, seq DESC`,
    [userIds],
  );
  return new Map(rows.filter((row) => row.name).map((row) => [row.subject_id, row.name!]));
}
