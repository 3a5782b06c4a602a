import type { EntityManager } from '@ecar/db';
import type { Caller } from '@ecar/contracts';
import type { Vehicle } from '../domain/vehicle.ts';
import type { FieldCipher } from './field-cipher.ts';
import { Params, vehicleReach } from './scope.ts';
import { indexVehicle } from './search-index.ts';

const TABLE = 'vehicles';
const COLUMNS = `v.id, v.customer_id, v.plate_sealed, v.vin_sealed, v.make, v.model, v.year, v.mileage_km,
  to_char(v.next_service_date, 'YYYY-MM-DD') AS next_service_date, v.next_service_mileage_km, v.created_at, v.updated_at,
  to_char(v.technical_inspection_due, 'YYYY-MM-DD') AS technical_inspection_due, to_char(v.insurance_due, 'YYYY-MM-DD') AS insurance_due,
  to_char(v.vignette_due, 'YYYY-MM-DD') AS vignette_due`;
export const VEHICLE_INDEX = { plate: 'vehicles.plate', vin: 'vehicles.vin' } as const;

type Row = Record<string, unknown>;

export class VehicleStore {
  constructor(private readonly cipher: FieldCipher) {}

  private decode(row: Row): Vehicle {
    const id = String(row['id']);
    return {
      id,
      customerId: String(row['customer_id']),
      plate: this.cipher.open(TABLE, 'plate_sealed', id, String(row['plate_sealed'])),
      vin: this.cipher.open(TABLE, 'vin_sealed', id, (row['vin_sealed'] as string | null) ?? null),
      make: String(row['make']),
      model: String(row['model']),
      year: Number(row['year']),
      mileageKm: Number(row['mileage_km']),
      nextServiceDate: (row['next_service_date'] as string | null) ?? null,
      nextServiceMileageKm: row['next_service_mileage_km'] === null ? null : Number(row['next_service_mileage_km']),
      technicalInspectionDue: (row['technical_inspection_due'] as string | null) ?? null,
      insuranceDue: (row['insurance_due'] as string | null) ?? null,
      vignetteDue: (row['vignette_due'] as string | null) ?? null,
      createdAt: row['created_at'] as Date,
      updatedAt: row['updated_at'] as Date,
    };
  }

  /** A search match: the plate always (it is shown), the VIN only when its token matched (`withVin`). */
  openMatch(id: string, plateSealed: string, vinSealed: string | null, withVin: boolean): { id: string; plate: string; vin: string | null } {
    return { id, plate: this.cipher.open(TABLE, 'plate_sealed', id, plateSealed), vin: withVin ? this.cipher.open(TABLE, 'vin_sealed', id, vinSealed) : null };
  }

  /** True when another vehicle already has this plate (blind index). */
  async plateTaken(db: EntityManager, plate: string, exceptId?: string): Promise<boolean> {
    const rows: Row[] = await db.query(`SELECT 1 FROM vehicles WHERE plate_bidx = $1 AND id IS DISTINCT FROM $2`, [
      this.cipher.index(VEHICLE_INDEX.plate, plate),
      exceptId ?? null,
    ]);
    return rows.length > 0;
  }

  async save(db: EntityManager, vehicle: Vehicle, isNew: boolean): Promise<void> {
    const values = [
      vehicle.id,
      vehicle.customerId,
      this.cipher.seal(TABLE, 'plate_sealed', vehicle.id, vehicle.plate),
      this.cipher.index(VEHICLE_INDEX.plate, vehicle.plate),
      this.cipher.seal(TABLE, 'vin_sealed', vehicle.id, vehicle.vin),
      this.cipher.index(VEHICLE_INDEX.vin, vehicle.vin),
      vehicle.make,
      vehicle.model,
      vehicle.year,
      vehicle.mileageKm,
      vehicle.nextServiceDate,
      vehicle.nextServiceMileageKm,
      vehicle.updatedAt,
      vehicle.technicalInspectionDue,
      vehicle.insuranceDue,
      vehicle.vignetteDue,
      this.cipher.keyring.currentKeyId,
    ];
    if (isNew) {
      await db.query(
        `INSERT INTO vehicles (id, customer_id, plate_sealed, plate_bidx, vin_sealed, vin_bidx, make, model, year, mileage_km,
            next_service_date, next_service_mileage_km, updated_at, created_at, technical_inspection_due, insurance_due, vignette_due, search_key_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13,$14,$15,$16,$17)`,
        values,
      );
      await indexVehicle(db, this.cipher, vehicle, true);
      return;
    }
    await db.query(
      `UPDATE vehicles SET customer_id = $2, plate_sealed = $3, plate_bidx = $4, vin_sealed = $5, vin_bidx = $6, make = $7, model = $8,
          year = $9, mileage_km = $10, next_service_date = $11, next_service_mileage_km = $12, updated_at = $13,
          technical_inspection_due = $14, insurance_due = $15, vignette_due = $16, search_key_id = $17
        WHERE id = $1`,
      values,
    );
    await indexVehicle(db, this.cipher, vehicle, false);
  }

  async find(db: EntityManager, caller: Caller, id: string, forUpdate = false): Promise<Vehicle | undefined> {
    const params = new Params();
    const rows: Row[] = await db.query(
      `SELECT ${COLUMNS} FROM vehicles v WHERE v.id = ${params.add(id)} AND ${vehicleReach(caller, 'v', params)}${forUpdate ? ' FOR UPDATE' : ''}`,
      params.values,
    );
    return rows[0] ? this.decode(rows[0]) : undefined;
  }

  async findById(db: EntityManager, id: string): Promise<Vehicle | undefined> {
    const rows: Row[] = await db.query(`SELECT ${COLUMNS} FROM vehicles v WHERE v.id = $1`, [id]);
    return rows[0] ? this.decode(rows[0]) : undefined;
  }

  async list(db: EntityManager, caller: Caller, query: { plate?: string; customerId?: string; after?: string; limit: number }): Promise<Vehicle[]> {
    const params = new Params();
    const where = [vehicleReach(caller, 'v', params)];
    if (query.plate !== undefined) where.push(`v.plate_bidx = ${params.add(this.cipher.index(VEHICLE_INDEX.plate, query.plate))}`);
    if (query.customerId !== undefined) where.push(`v.customer_id = ${params.add(query.customerId)}`);
    if (query.after !== undefined) where.push(`v.id > ${params.add(query.after)}`);
    const rows: Row[] = await db.query(
      `SELECT ${COLUMNS} FROM vehicles v WHERE ${where.join(' AND ')} ORDER BY v.id LIMIT ${params.add(query.limit)}`,
      params.values,
    );
    return rows.map((row) => this.decode(row));
  }

  /** Every vehicle of a customer (export, anonymisation). */
  async ofCustomer(db: EntityManager, customerId: string): Promise<Vehicle[]> {
    const rows: Row[] = await db.query(`SELECT ${COLUMNS} FROM vehicles v WHERE v.customer_id = $1 ORDER BY v.created_at`, [customerId]);
    return rows.map((row) => this.decode(row));
  }

  /**
   * Vehicles of customers not anonymised with something due by `horizon` (a date on or before it,
   * or a service mileage within `mileageLeadKm`), id-ordered pages (reminders job, due-soon list).
   * `from` leaves out dates before it (the job skips what has passed).
   */
  async dueBy(
    db: EntityManager,
    query: { horizon: string; from?: string; mileageLeadKm: number; kind?: string; after?: string; limit: number },
  ): Promise<Array<Vehicle & { customerName: string; ownerUserId: string | null }>> {
    const params = new Params();
    const horizon = params.add(query.horizon);
    const from = query.from === undefined ? undefined : params.add(query.from);
    const dated = (column: string) => `(v.${column} <= ${horizon}::date${from ? ` AND v.${column} >= ${from}::date` : ''})`;
    // Built only for the kinds asked (every placeholder must be used).
    const byKind: Record<string, () => string> = {
      service: () => `(${dated('next_service_date')} OR v.mileage_km >= v.next_service_mileage_km - ${params.add(query.mileageLeadKm)})`,
      technical_inspection: () => dated('technical_inspection_due'),
      insurance: () => dated('insurance_due'),
      vignette: () => dated('vignette_due'),
    };
    const conditions = (query.kind ? [byKind[query.kind] ?? (() => 'FALSE')] : Object.values(byKind)).map((condition) => condition());
    const where = [`c.anonymised_at IS NULL`, `(${conditions.join(' OR ')})`];
    if (query.after !== undefined) where.push(`v.id > ${params.add(query.after)}`);
    const rows: Row[] = await db.query(
      `SELECT ${COLUMNS}, c.name AS customer_name, c.name_sealed AS customer_name_sealed, c.user_id AS owner_user_id FROM vehicles v JOIN customers c ON c.id = v.customer_id
        WHERE ${where.join(' AND ')} ORDER BY v.id LIMIT ${params.add(query.limit)}`,
      params.values,
    );
    return rows.map((row) => {
      const vehicle = this.decode(row);
      // The name is sealed (GarageSearch1797400000000); a row not yet backfilled still has it in `name`.
      const sealed = row['customer_name_sealed'] as string | null;
      const customerName = sealed ? this.cipher.open('customers', 'name_sealed', vehicle.customerId, sealed) : String(row['customer_name']);
      return { ...vehicle, customerName, ownerUserId: (row['owner_user_id'] as string | null) ?? null };
    });
  }
}
