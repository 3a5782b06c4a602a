import { enqueueEvent } from '@ecar/bus';
import { buildEvent, type Actor } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import { conflict, notFound } from '@ecar/errors';
import { acknowledgeAlert, type AlertRow } from '../data/alerts-store.ts';

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
