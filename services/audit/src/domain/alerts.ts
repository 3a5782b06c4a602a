import { randomUUID } from 'node:crypto';
import { enqueueEvent } from '@ecar/bus';
import { buildEvent, type Actor } from '@ecar/contracts';
import type { DataSource, EntityManager } from '@ecar/db';
import { badRequest, conflict, notFound } from '@ecar/errors';
import { Counter, type Registry } from 'prom-client';
import { acknowledgeAlert, insertAlert, listAlerts, type AlertRow, type NewAlert } from '../data/alerts.ts';

export type AlertInput = Omit<NewAlert, 'id'>;

/** Counts alerts per rule for Prometheus (`ecar_audit_alerts_raised_total`, see infra alerts). */
export function alertCounter(registry: Registry): Counter<'rule'> {
  const existing = registry.getSingleMetric('ecar_audit_alerts_raised_total');
  if (existing) return existing as Counter<'rule'>;
  return new Counter({ name: 'ecar_audit_alerts_raised_total', help: 'Security alerts raised by the audit anomaly rules', labelNames: ['rule'], registers: [registry] });
}

/**
 * Stores an alert and publishes `audit.alert.raised` through the outbox in the caller's
 * transaction: the alert, its event and the audit rows that caused it commit together.
 */
export async function raiseAlert(db: EntityManager, input: AlertInput, counter?: Counter<'rule'>): Promise<NewAlert> {
  const alert: NewAlert = { ...input, id: randomUUID() };
  await insertAlert(db, alert);
  await enqueueEvent(
    db,
    buildEvent({
      type: 'audit.alert.raised',
      producer: 'audit',
      correlationId: `alert-${alert.id}`,
      actor: { system: 'audit-anomaly-rules' },
      subject: { type: 'alert', id: alert.id },
      data: {
        alertId: alert.id,
        rule: alert.rule,
        severity: alert.severity,
        key: alert.key.slice(0, 200),
        summary: alert.summary.slice(0, 500),
        ...(alert.triggeringEventId ? { triggeringEventId: alert.triggeringEventId } : {}),
      },
    }),
  );
  counter?.inc({ rule: alert.rule });
  return alert;
}

export interface AlertFilters {
  status: 'open' | 'all';
  rule?: string | undefined;
}

/** Cursor = base64url of "<raisedAt ISO>|<id>" of the last alert of the previous page. */
function decodeCursor(cursor: string): { raisedAt: Date; id: string } {
  const [raisedAt = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(raisedAt);
  if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw badRequest('Invalid cursor');
  return { raisedAt: date, id };
}

/** One page of alerts, newest first (INC-1). */
export async function alertPage(
  dataSource: DataSource,
  filters: AlertFilters,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: AlertRow[]; nextCursor: string | null }> {
  const rows = await listAlerts(dataSource.manager, {
    status: filters.status,
    ...(filters.rule ? { rule: filters.rule } : {}),
    ...(cursor ? { before: decodeCursor(cursor) } : {}),
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? Buffer.from(`${last.raisedAt}|${last.id}`).toString('base64url') : null;
  return { items, nextCursor };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A super-admin takes an alert in hand; the acknowledgement is itself audited. */
export async function acknowledge(
  dataSource: DataSource,
  input: { alertId: string; note?: string | undefined; actor: Extract<Actor, { userId: string }>; correlationId: string },
): Promise<AlertRow> {
  if (!UUID.test(input.alertId)) throw notFound('No such alert');
  return dataSource.transaction(async (db) => {
    const result = await acknowledgeAlert(db, input.alertId, input.actor.userId, input.note);
    if (result === undefined) throw notFound('No such alert');
    if (result === false) throw conflict('The alert is already acknowledged');
    await enqueueEvent(
      db,
      buildEvent({
        type: 'audit.alert.acknowledged',
        producer: 'audit',
        correlationId: input.correlationId,
        actor: input.actor,
        subject: { type: 'alert', id: result.id },
        data: { alertId: result.id, ...(input.note ? { note: input.note } : {}) },
      }),
    );
    return result;
  });
}
