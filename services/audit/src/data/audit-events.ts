import type { AuditEventResponse } from '@ecar/contracts/responses/audit';
import type { EntityManager } from '@ecar/db';

/** A stored record, as the routes send it (@ecar/contracts/responses/audit: the web app reads the same type). */
export type AuditEventRow = AuditEventResponse;

export interface AuditQuery {
  actor?: string;
  subjectType?: string;
  subjectId?: string;
  /** Rows that concern this (e.g. customer X), as subject or listed in their data. */
  ref?: { type: string; id: string };
  type?: string;
  action?: string;
  ip?: string;
  from?: Date;
  to?: Date;
  /** Rows with seq below this (newest first). */
  before?: bigint;
  limit: number;
}

export async function queryAuditEvents(db: EntityManager, query: AuditQuery): Promise<AuditEventRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    let text = clause;
    for (const value of values) {
      params.push(value);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };
  if (query.actor) add('e.actor_id = ?', query.actor);
  if (query.subjectType) add('e.subject_type = ?', query.subjectType);
  if (query.subjectId) add('e.subject_id = ?', query.subjectId);
  if (query.ref) add('e.seq IN (SELECT r.seq FROM audit_refs r WHERE r.ref_type = ? AND r.ref_id = ?)', query.ref.type, query.ref.id);
  if (query.type) add('e.type = ?', query.type);
  if (query.action) add('e.action = ?', query.action);
  if (query.ip) add('e.remote_addr = ?', query.ip);
  if (query.from) add('e.occurred_at >= ?', query.from);
  if (query.to) add('e.occurred_at < ?', query.to);
  if (query.before !== undefined) add('e.seq < ?', query.before.toString());
  params.push(query.limit);
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT e.seq::text, e.event_id::text, e.type, e.action, e.producer, e.actor_id, e.actor_role, e.actor_email, e.actor_system, e.remote_addr,
            e.user_agent, e.correlation_id, e.subject_type, e.subject_id, e.subject_owner, e.changes, e.data, e.occurred_at, e.recorded_at,
            e.prev_hash, e.hash
       FROM audit_events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toRow);
}

function toRow(row: Record<string, unknown>): AuditEventRow {
  return {
    seq: String(row['seq']),
    eventId: String(row['event_id']),
    type: String(row['type']),
    action: String(row['action']),
    producer: String(row['producer']),
    actor: {
      id: row['actor_id'] as string | null,
      role: row['actor_role'] as string | null,
      email: row['actor_email'] as string | null,
      system: row['actor_system'] as string | null,
      ip: row['remote_addr'] as string | null,
      userAgent: row['user_agent'] as string | null,
    },
    correlationId: String(row['correlation_id']),
    subject: { type: String(row['subject_type']), id: String(row['subject_id']), ownerId: row['subject_owner'] as string | null },
    changes: row['changes'] === null ? null : (JSON.parse(row['changes'] as string) as AuditEventRow['changes']),
    data: JSON.parse(row['data'] as string) as Record<string, unknown>,
    occurredAt: (row['occurred_at'] as Date).toISOString(),
    recordedAt: (row['recorded_at'] as Date).toISOString(),
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
  };
}
