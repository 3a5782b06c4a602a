import type { AlertResponse } from '@ecar/contracts/responses/audit';
import { queryRows, type EntityManager } from '@ecar/db';

/** A stored alert, as the routes send it (@ecar/contracts/responses/audit: the web app reads the same type). */
export type AlertRow = AlertResponse;

export interface NewAlert {
  id: string;
  rule: string;
  severity: 'warning' | 'critical';
  key: string;
  summary: string;
  triggeringEventId?: string;
  occurredAt: Date;
}

/** True when the same rule already fired for the same key within `windowMs` before `at`. */
export async function recentlyRaised(db: EntityManager, rule: string, key: string, at: Date, windowMs: number): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM audit_alerts WHERE rule = $1 AND key = $2 AND occurred_at > $3 AND occurred_at <= $4 LIMIT 1`,
    [rule, key, new Date(at.getTime() - windowMs), at],
  );
  return rows.length > 0;
}

export async function insertAlert(db: EntityManager, alert: NewAlert): Promise<void> {
  await db.query(
    `INSERT INTO audit_alerts (id, rule, severity, key, summary, triggering_event_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [alert.id, alert.rule, alert.severity, alert.key, alert.summary, alert.triggeringEventId ?? null, alert.occurredAt],
  );
}

function toAlert(row: Record<string, unknown>): AlertRow {
  const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
  return {
    id: row['id'] as string,
    rule: row['rule'] as string,
    severity: row['severity'] as AlertRow['severity'],
    key: row['key'] as string,
    summary: row['summary'] as string,
    triggeringEventId: row['triggering_event_id'] as string | null,
    occurredAt: iso(row['occurred_at'])!,
    raisedAt: iso(row['raised_at'])!,
    acknowledgedAt: iso(row['acknowledged_at']),
    acknowledgedBy: row['acknowledged_by'] as string | null,
    ackNote: row['ack_note'] as string | null,
  };
}

export async function listAlerts(
  db: EntityManager,
  query: { status: 'open' | 'all'; rule?: string; before?: { raisedAt: Date; id: string }; limit: number },
): Promise<AlertRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.status === 'open') where.push('acknowledged_at IS NULL');
  if (query.rule) {
    params.push(query.rule);
    where.push(`rule = $${params.length}`);
  }
  if (query.before) {
    params.push(query.before.raisedAt, query.before.id);
    where.push(`(raised_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(query.limit);
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT * FROM audit_alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toAlert);
}

/** Marks an open alert acknowledged; undefined when there is no such alert, false when already acknowledged. */
export async function acknowledgeAlert(db: EntityManager, id: string, by: string, note: string | undefined): Promise<AlertRow | undefined | false> {
  const rows: Array<Record<string, unknown>> = await db.query(`SELECT * FROM audit_alerts WHERE id = $1 FOR UPDATE`, [id]);
  const row = rows[0];
  if (!row) return undefined;
  if (row['acknowledged_at']) return false;
  const updated = await queryRows(db, `UPDATE audit_alerts SET acknowledged_at = now(), acknowledged_by = $2, ack_note = $3 WHERE id = $1 RETURNING *`, [
    id,
    by,
    note ?? null,
  ]);
  return toAlert(updated[0]!);
}
