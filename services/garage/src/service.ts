import { resolve } from 'node:path';
import { conflict } from '@ecar/errors';
import { nextDailyAt } from '@ecar/primitives';
import { defineService, type StartedService } from '@ecar/runtime';
import { garageRoutes } from './api/route-table.ts';
import { loadGarageConfig, type GarageConfig } from './config.ts';
import { FieldCipher } from './data/field-cipher.ts';
import { TECHNICIAN_REACH_SETTING } from './data/scope.ts';
import { garageMigrations } from './data/migrations.ts';
import { GarageContext } from './domain/garage.ts';
import { garageSubscriptions } from './messaging/subscriptions.ts';

export interface GarageOptions {
  /** Replaces the field cipher built from FIELD_KEYS/BLIND_INDEX_KEY (the benchmark's plaintext baseline). */
  fieldCipher?: FieldCipher;
}

/** The garage deployable: customers, vehicles, documents, appointments, work orders. */
export const garageService = defineService({
  name: 'garage',
  config: loadGarageConfig,
  migrations: garageMigrations,
  // Read by the access rules in SQL (data/scope.ts), so every route follows the same reach.
  databaseSession: (config) => ({ [TECHNICIAN_REACH_SETTING]: String(config.TECHNICIAN_REACH_AFTER_CLOSE_HOURS) }),
  // A unique constraint lost to a concurrent request (same plate, same account) is a 409, not a 500.
  unitOfWork: { onUniqueViolation: () => conflict('This already exists (a concurrent request created it first)') },
  context: (base, options: GarageOptions) =>
    new GarageContext(base.dataSource, base.unitOfWork, options.fieldCipher ?? new FieldCipher(base.config.FIELD_KEYS, base.config.BLIND_INDEX_KEY), {
      documentsDir: resolve(base.config.DOCUMENTS_DIR),
      maxDocumentBytes: base.config.MAX_DOCUMENT_BYTES,
      slotMinutes: base.config.APPOINTMENT_SLOT_MINUTES,
      slotCapacity: base.config.APPOINTMENT_SLOT_CAPACITY,
      defaultVatRateBp: base.config.DEFAULT_VAT_RATE_BP,
      reminders: {
        timeZone: base.config.REMINDER_TIME_ZONE,
        runAt: base.config.REMINDER_RUN_AT,
        leadDays: base.config.REMINDER_LEAD_DAYS.map(Number),
        mileageLeadKm: base.config.REMINDER_MILEAGE_LEAD_KM,
      },
      limits: {
        maxOpenPerCustomer: base.config.MAX_OPEN_APPOINTMENTS_PER_CUSTOMER,
        horizonDays: base.config.BOOKING_HORIZON_DAYS,
        maxDocumentsPerCustomer: base.config.MAX_DOCUMENTS_PER_CUSTOMER,
        maxDocumentBytesPerCustomer: base.config.MAX_DOCUMENT_BYTES_PER_CUSTOMER,
      },
      book: { signer: base.config.MAINTENANCE_BOOK_SIGNING_KEYS, garageName: base.config.GARAGE_NAME, publicBaseUrl: base.config.PUBLIC_BASE_URL },
    }),
  routes: garageRoutes,
  subscriptions: garageSubscriptions,
  // Issue 15: the daily reminder job (each reminder once, across reruns and replicas: domain/reminders.ts).
  jobs: ({ useCases: { reminders, reportReplay } }, base) => [
    {
      name: 'garage-reminders',
      schedule: { next: (now) => nextDailyAt(now, reminders.settings.runAt, reminders.settings.timeZone) },
      async run() {
        const sent = await reminders.runDaily();
        if (sent > 0) base.logger.info('reminders sent', { sent });
      },
    },
    {
      // Replays of the work-order history asked for by billing's reports (domain/report-replay.ts).
      name: 'garage-report-replay',
      schedule: { everyMs: 2000 },
      async run() {
        const batches = await reportReplay.runPending();
        if (batches > 0) base.logger.info('work-order history replayed', { batches });
      },
    },
  ],
});

export type GarageService = StartedService<GarageConfig, GarageContext>;
