import { randomUUID } from 'node:crypto';
import { enqueueEvent } from '@ecar/bus';
import { buildEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { Counter, type Registry } from 'prom-client';
import { insertAlert, type NewAlert } from '../data/alerts-store.ts';

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
