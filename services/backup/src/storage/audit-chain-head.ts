import pg from 'pg';
import type { AuditChainHead } from '../crypto/manifest.ts';

/**
 * The audit chain's head in the snapshot `client` reads (the one pg_dump shares), or undefined
 * when this database holds no audit chain (no `audit_events` table) or an empty one.
 *
 * Backup reads the audit tables itself rather than asking the audit service: only a read in the
 * dump's own snapshot names exactly the head the dump holds (a head asked of audit over HTTP
 * would be of another moment), and the dump role already reads every table (pg_read_all_data,
 * scripts/ensure-system.sh). It needs no key: the chain value is copied, never computed.
 */
export async function auditChainHead(client: pg.Client, database: string): Promise<AuditChainHead | undefined> {
  const { rows: present } = await client.query<{ events: string | null; keys: string | null }>(
    `SELECT to_regclass('public.audit_events')::text AS events, to_regclass('public.audit_chain_keys')::text AS keys`,
  );
  if (!present[0]?.events) return undefined;
  const { rows } = await client.query<{ seq: string; hash: string; recorded_at: string }>(
    `SELECT seq::text, hash, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
       FROM public.audit_events e ORDER BY e.seq DESC LIMIT 1`,
  );
  const head = rows[0];
  if (!head) return undefined;
  let chainKeyId: string | null = null;
  if (present[0].keys) {
    const { rows: keys } = await client.query<{ key_id: string }>(`SELECT key_id FROM public.audit_chain_keys ORDER BY registered_at DESC, key_id LIMIT 1`);
    chainKeyId = keys[0]?.key_id ?? null;
  }
  return { database, seq: head.seq, hash: head.hash, chainKeyId, recordedAt: head.recorded_at };
}

/** The last row of a restored audit database, to compare with the manifest's head. */
export async function restoredChainEnd(url: string): Promise<{ seq: string; hash: string } | undefined> {
  const client = new pg.Client({ connectionString: url, application_name: 'ecar-backup-drill' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ seq: string; hash: string }>(`SELECT seq::text, hash FROM public.audit_events e ORDER BY e.seq DESC LIMIT 1`);
    return rows[0];
  } finally {
    await client.end();
  }
}
