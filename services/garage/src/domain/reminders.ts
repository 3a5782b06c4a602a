import { randomUUID } from 'node:crypto';
import { newEvent, type Caller, type NewEvent, type SystemCaller } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { addDays, localDate, localDateString, dayKey } from '@ecar/primitives';
import type { GarageContext } from './garage.ts';
import { remindersOf, type ReminderToSend } from './reminder-rules.ts';
import type { Vehicle } from './vehicle.ts';

export interface ReminderSettings {
  timeZone: string;
  /** HH:MM in `timeZone`. */
  runAt: string;
  leadDays: number[];
  mileageLeadKm: number;
}

/** One advisory-lock key for the scan: two replicas take turns per batch, the claims do the rest. */
const SCAN_LOCK = 0x45_43_52_31; // 'ECR1'
const BATCH = 200;

export type DueVehicle = Vehicle & { customerName: string; ownerUserId: string | null };

/**
 * The daily reminder job and the due-soon list. Each reminder is a claim row (vehicle, kind, due
 * date or mileage, lead) inserted in the transaction that puts its `garage.reminder.due` event in
 * the outbox: the claim is unique, so a second run, a restart or a second replica running at the
 * same moment finds it taken and publishes nothing. The scan of each batch also holds a
 * transaction-level advisory lock, so two replicas do not both do the work.
 */
export class ReminderService {
  constructor(
    private readonly garage: GarageContext,
    readonly settings: ReminderSettings,
  ) {}

  /** The garage's calendar date now (`YYYY-MM-DD`). */
  today(now = new Date()): string {
    return localDateString(now, this.settings.timeZone);
  }

  /** Finds what is due and sends each reminder once; returns how many it sent. */
  async runDaily(now = new Date()): Promise<number> {
    const today = this.today(now);
    const horizon = dayKey(addDays(localDate(now, this.settings.timeZone), Math.max(0, ...this.settings.leadDays)));
    const author: SystemCaller = { system: 'garage.reminders', correlationId: `reminders-${today}-${randomUUID()}` };
    let after: string | undefined;
    let sent = 0;
    for (;;) {
      const page = await this.garage.unitOfWork.run(async (db) => {
        await db.query('SELECT pg_advisory_xact_lock($1)', [SCAN_LOCK]);
        const vehicles = await this.garage.vehicles.dueBy(db, { horizon, from: today, mileageLeadKm: this.settings.mileageLeadKm, ...(after ? { after } : {}), limit: BATCH });
        const events: NewEvent[] = [];
        for (const vehicle of vehicles) {
          for (const reminder of remindersOf(vehicle, today, this.settings.leadDays, this.settings.mileageLeadKm)) {
            const claimed = await this.claim(db, vehicle, reminder);
            if (claimed) events.push(this.dueEvent(author, vehicle, reminder, claimed));
          }
        }
        return { result: { last: vehicles.at(-1)?.id, full: vehicles.length === BATCH, sent: events.length }, events };
      });
      sent += page.sent;
      if (!page.full || !page.last) return sent;
      after = page.last;
    }
  }

  /** Inserts the claim; undefined when this reminder was already sent (by this or another run). */
  private async claim(db: EntityManager, vehicle: Vehicle, reminder: ReminderToSend): Promise<string | undefined> {
    const id = randomUUID();
    const rows: Array<{ id: string }> = await db.query(
      `INSERT INTO reminder_claims (id, vehicle_id, kind, due_date, due_mileage_km, lead_days) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING id`,
      [id, vehicle.id, reminder.kind, reminder.dueDate, reminder.dueMileageKm, reminder.leadDays],
    );
    return rows[0]?.id;
  }

  private dueEvent(author: SystemCaller, vehicle: DueVehicle, reminder: ReminderToSend, reminderId: string): NewEvent {
    const subject = { type: 'vehicle', id: vehicle.id, ...(vehicle.ownerUserId ? { ownerId: vehicle.ownerUserId } : {}) };
    return newEvent(author, 'garage.reminder.due', subject, {
      reminderId,
      vehicleId: vehicle.id,
      customerId: vehicle.customerId,
      kind: reminder.kind,
      ...(reminder.dueDate ? { dueDate: reminder.dueDate } : {}),
      ...(reminder.dueMileageKm !== null ? { dueMileageKm: reminder.dueMileageKm } : {}),
      leadDays: reminder.leadDays,
      vehicle: `${vehicle.make} ${vehicle.model}`.slice(0, 200),
    });
  }

  /** The super-admin's "due soon" list: vehicles with something due within `withinDays` or already due, id-ordered pages. */
  async dueSoon(caller: Caller, query: { withinDays: number; kind?: string | undefined; after?: string | undefined; limit: number }): Promise<DueVehicle[]> {
    const horizon = dayKey(addDays(localDate(new Date(), this.settings.timeZone), query.withinDays));
    return this.garage.unitOfWork.run(async (db) => {
      const vehicles = await this.garage.vehicles.dueBy(db, {
        horizon,
        mileageLeadKm: this.settings.mileageLeadKm,
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const customerIds = [...new Set(vehicles.map((vehicle) => vehicle.customerId))];
      const events =
        customerIds.length === 0
          ? []
          : [newEvent(caller, 'garage.customer.accessed', { type: 'due-soon-list', id: caller.correlationId.slice(0, 128) }, { customerIds, fields: ['name', 'plate'], purpose: 'list' })];
      return { result: vehicles, events };
    });
  }
}
