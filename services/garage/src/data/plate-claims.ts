import type { EntityManager } from '@ecar/db';

export type PlateClaimStatus = 'pending' | 'accepted' | 'refused';

/** A customer's claim on a vehicle whose plate is registered to another customer (issue 12, finding 5). */
export interface PlateClaim {
  id: string;
  vehicleId: string;
  claimantCustomerId: string;
  holderCustomerId: string;
  make: string;
  model: string;
  year: number;
  status: PlateClaimStatus;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `p.id, p.vehicle_id AS "vehicleId", p.claimant_customer_id AS "claimantCustomerId", p.holder_customer_id AS "holderCustomerId", p.make, p.model, p.year, p.status,
  p.requested_by AS "requestedBy", p.decided_by AS "decidedBy", p.decided_at AS "decidedAt", p.created_at AS "createdAt"`;

export async function insertPlateClaim(db: EntityManager, claim: PlateClaim): Promise<void> {
  await db.query(
    `INSERT INTO plate_claims (id, vehicle_id, claimant_customer_id, holder_customer_id, make, model, year, status, requested_by, decided_by, decided_at, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [claim.id, claim.vehicleId, claim.claimantCustomerId, claim.holderCustomerId, claim.make, claim.model, claim.year, claim.status, claim.requestedBy, claim.decidedBy, claim.decidedAt, claim.createdAt],
  );
}

export async function decidePlateClaim(db: EntityManager, claim: PlateClaim): Promise<void> {
  await db.query(`UPDATE plate_claims SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1`, [claim.id, claim.status, claim.decidedBy, claim.decidedAt]);
}

/** The claimant's open claim on this vehicle, if any (a repeated form is the same claim). */
export async function openClaimOf(db: EntityManager, vehicleId: string, claimantCustomerId: string): Promise<PlateClaim | undefined> {
  const rows: PlateClaim[] = await db.query(`SELECT ${COLUMNS} FROM plate_claims p WHERE p.vehicle_id = $1 AND p.claimant_customer_id = $2 AND p.status = 'pending'`, [
    vehicleId,
    claimantCustomerId,
  ]);
  return rows[0];
}

export async function pendingClaimsOfCustomer(db: EntityManager, claimantCustomerId: string): Promise<number> {
  const rows: Array<{ count: string }> = await db.query(`SELECT count(*) FROM plate_claims WHERE claimant_customer_id = $1 AND status = 'pending'`, [claimantCustomerId]);
  return Number(rows[0]?.count ?? 0);
}

/** Super-admin only (the route admits no one else): every claim, oldest pending first by id paging. */
export async function findPlateClaim(db: EntityManager, id: string, forUpdate = false): Promise<PlateClaim | undefined> {
  const rows: PlateClaim[] = await db.query(`SELECT ${COLUMNS} FROM plate_claims p WHERE p.id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function listPlateClaims(db: EntityManager, query: { status?: PlateClaimStatus; after?: string; limit: number }): Promise<PlateClaim[]> {
  const values: unknown[] = [];
  const where: string[] = [];
  if (query.status) where.push(`p.status = $${values.push(query.status)}`);
  if (query.after) where.push(`p.id > $${values.push(query.after)}`);
  return db.query(
    `SELECT ${COLUMNS} FROM plate_claims p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id LIMIT $${values.push(query.limit)}`,
    values,
  );
}

/** The vehicle that has this plate (its blind index), whoever owns it: system lookup for the claim path. */
export async function vehicleWithPlate(db: EntityManager, plateIndex: string): Promise<{ id: string; customerId: string } | undefined> {
  const rows: Array<{ id: string; customerId: string }> = await db.query(`SELECT id, customer_id AS "customerId" FROM vehicles WHERE plate_bidx = $1`, [plateIndex]);
  return rows[0];
}
