import type { DataSource, EntityManager } from '@ecar/db';
import { enqueueEvents } from '@ecar/bus';
import type { EventEnvelope } from '@ecar/contracts';
import { conflict } from '@ecar/errors';
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

function isUniqueViolation(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  return code === '23505' || driverError?.code === '23505';
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

  /**
   * Runs `work` in one transaction and enqueues the events it returns in that same transaction.
   * A unique constraint lost to a concurrent request (same plate, same account) is a 409, not a 500.
   */
  async transact<T>(work: (db: EntityManager) => Promise<{ result: T; events: EventEnvelope[] }>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (db) => {
        const { result, events } = await work(db);
        await enqueueEvents(db, events);
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('This already exists (a concurrent request created it first)');
      throw error;
    }
  }
}
