import type { DataSource, EntityManager } from '@ecar/db';
import { enqueueEvents } from '@ecar/bus';
import type { EventEnvelope } from '@ecar/contracts';
import { CustomerStore } from '../data/customers.ts';
import type { FieldCipher } from '../data/field-cipher.ts';
import { VehicleStore } from '../data/vehicles.ts';

export interface GarageSettings {
  documentsDir: string;
  maxDocumentBytes: number;
  slotMinutes: number;
  slotCapacity: number;
  defaultVatRateBp: number;
}

/** What every use case works with: the database, the stores that seal and open fields, settings. */
export class GarageContext {
  readonly customers: CustomerStore;
  readonly vehicles: VehicleStore;

  constructor(
    readonly dataSource: DataSource,
    readonly cipher: FieldCipher,
    readonly settings: GarageSettings,
  ) {
    this.customers = new CustomerStore(this.cipher);
    this.vehicles = new VehicleStore(this.cipher);
  }

  /** Runs `work` in one transaction and enqueues the events it returns in that same transaction. */
  async transact<T>(work: (db: EntityManager) => Promise<{ result: T; events: EventEnvelope[] }>): Promise<T> {
    return this.dataSource.transaction(async (db) => {
      const { result, events } = await work(db);
      await enqueueEvents(db, events);
      return result;
    });
  }
}
