import type { EventEnvelope } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';

export interface AuditEventRow {
  seq: string;
  eventId: string;
  type: string;
  action: string;
  producer: string;
  actor: { id: string | null; role: string | null; email: string | null; system: string | null; ip: string | null; userAgent: string | null };
  correlationId: string;
  subject: { type: string; id: string; ownerId: string | null };
  changes: Record<string, [unknown, unknown]> | null;
  data: Record<string, unknown>;
  occurredAt: string;
  recordedAt: string;
}

export async function insertAuditEvent(db: EntityManager, envelope: EventEnvelope, action: string, payload: string): Promise<void> {
  const actor = envelope.actor;
  const user = 'userId' in actor ? actor : undefined;
  await db.query(
    `INSERT INTO audit_events (event_id, type, action, producer, actor_id, actor_role, actor_email, actor_system, remote_addr,
        user_agent, correlation_id, subject_type, subject_id, subject_owner, changes, data, occurred_at, payload)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      envelope.id,
      envelope.type,
      action,
      envelope.producer,
      user?.userId ?? null,
      user?.role ?? null,
      user?.email ?? null,
      'system' in actor ? actor.system : null,
      actor.ip ?? null,
      actor.userAgent ?? null,
      envelope.correlationId,
      envelope.subject.type,
      envelope.subject.id,
      envelope.subject.ownerId ?? null,
      envelope.changes ? JSON.stringify(envelope.changes) : null,
      JSON.stringify(envelope.data),
      envelope.occurredAt,
      payload,
    ],
  );
}

export interface AuditQuery {
  actor?: string;
  subjectType?: string;
  subjectId?: string;
  type?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Rows with seq below this (newest first). */
  before?: bigint;
  limit: number;
}

export async function queryAuditEvents(db: EntityManager, query: AuditQuery): Promise<AuditEventRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (query.actor) add('actor_id = ?', query.actor);
  if (query.subjectType) add('subject_type = ?', query.subjectType);
  if (query.subjectId) add('subject_id = ?', query.subjectId);
  if (query.type) add('type = ?', query.type);
  if (query.action) add('action = ?', query.action);
  if (query.from) add('occurred_at >= ?', query.from);
  if (query.to) add('occurred_at < ?', query.to);
  if (query.before !== undefined) add('seq < ?', query.before.toString());
  params.push(query.limit);
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT seq::text, event_id, type, action, producer, actor_id, actor_role, actor_email, actor_system, remote_addr, user_agent,
            correlation_id, subject_type, subject_id, subject_owner, changes, data, occurred_at, recorded_at
       FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((row) => ({
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
    changes: row['changes'] as AuditEventRow['changes'],
    data: row['data'] as Record<string, unknown>,
    occurredAt: (row['occurred_at'] as Date).toISOString(),
    recordedAt: (row['recorded_at'] as Date).toISOString(),
  }));
}
