import { resolve } from 'node:path';
import type { Logger } from '@ecar/logger';
import { remoteVerifier, startService, type RunningService, type ServiceContext } from '@ecar/runtime';
import { garageRouteTable, RAW_BODY_PATHS } from './api/route-table.ts';
import { mountRoutes, type GarageRoute } from './api/route.ts';
import { loadGarageConfig, type GarageConfig } from './config.ts';
import { FieldCipher } from './data/field-cipher.ts';
import { garageMigrations } from './data/migrations.ts';
import { AppointmentService } from './domain/appointments.ts';
import { CustomerService } from './domain/customers.ts';
import { DocumentService } from './domain/documents.ts';
import { GarageContext } from './domain/garage.ts';
import { VehicleService } from './domain/vehicles.ts';
import { WorkOrderService } from './domain/work-orders.ts';
import { usersConsumer } from './messaging/users-consumer.ts';

export interface GarageService extends RunningService {
  /** The route table the service mounted (the access-control matrix test reads it). */
  routes: readonly GarageRoute[];
  garage: GarageContext;
  config: GarageConfig;
}

/** The garage deployable: customers, vehicles, documents, appointments, work orders. */
export interface GarageServiceOptions {
  logger?: Logger;
  /** Replaces the field cipher built from FIELD_KEYS/BLIND_INDEX_KEY (the benchmark's plaintext baseline). */
  fieldCipher?: FieldCipher;
}

export async function startGarageService(env: NodeJS.ProcessEnv = process.env, { logger, fieldCipher }: GarageServiceOptions = {}): Promise<GarageService> {
  const loaded = loadGarageConfig(env);
  const config = loaded.values;
  let routes: GarageRoute[] = [];
  let garage: GarageContext | undefined;
  // startService asks for consumers before it calls setup: whichever comes first creates the context.
  const garageFor = (context: ServiceContext): GarageContext =>
    (garage ??= new GarageContext(context.dataSource, fieldCipher ?? new FieldCipher(config.FIELD_KEYS, config.BLIND_INDEX_KEY), {
      documentsDir: resolve(config.DOCUMENTS_DIR),
      maxDocumentBytes: config.MAX_DOCUMENT_BYTES,
      slotMinutes: config.APPOINTMENT_SLOT_MINUTES,
      slotCapacity: config.APPOINTMENT_SLOT_CAPACITY,
      defaultVatRateBp: config.DEFAULT_VAT_RATE_BP,
    }));
  const running = await startService({
    service: 'garage',
    config,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: garageMigrations,
    rawBodyPaths: RAW_BODY_PATHS,
    ...(logger ? { logger } : {}),
    setup(app, context) {
      const garage = garageFor(context);
      routes = garageRouteTable({
        customers: new CustomerService(garage),
        vehicles: new VehicleService(garage),
        documents: new DocumentService(garage),
        appointments: new AppointmentService(garage),
        workOrders: new WorkOrderService(garage),
      });
      app.use(mountRoutes(routes, remoteVerifier(config)));
    },
    consumers: (context) => [usersConsumer(context, garageFor(context))],
  });
  return { ...running, routes, garage: garage!, config };
}
