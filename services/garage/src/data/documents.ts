import type { EntityManager } from '@ecar/db';
import type { Caller } from '@ecar/contracts';
import { ownedReach, Params } from './scope.ts';

export interface DocumentRecord {
  id: string;
  vehicleId: string;
  customerId: string;
  kind: string;
  contentType: string;
  sizeBytes: number;
  /** Random name of the encrypted file in the store; never derived from what the user sent. */
  storageName: string;
  /** The file's data key, sealed by the field keyring (AAD `documents.data_key_sealed.<id>`). */
  dataKeySealed: string;
  uploadedBy: string;
  createdAt: Date;
}

const COLUMNS = `d.id, d.vehicle_id AS "vehicleId", d.customer_id AS "customerId", d.kind, d.content_type AS "contentType",
  d.size_bytes AS "sizeBytes", d.storage_name AS "storageName", d.data_key_sealed AS "dataKeySealed", d.uploaded_by AS "uploadedBy",
  d.created_at AS "createdAt"`;

export async function insertDocument(db: EntityManager, doc: DocumentRecord): Promise<void> {
  await db.query(
    `INSERT INTO documents (id, vehicle_id, customer_id, kind, content_type, size_bytes, storage_name, data_key_sealed, uploaded_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [doc.id, doc.vehicleId, doc.customerId, doc.kind, doc.contentType, doc.sizeBytes, doc.storageName, doc.dataKeySealed, doc.uploadedBy, doc.createdAt],
  );
}

export async function findDocument(db: EntityManager, caller: Caller, id: string): Promise<DocumentRecord | undefined> {
  const params = new Params();
  const rows: DocumentRecord[] = await db.query(`SELECT ${COLUMNS} FROM documents d WHERE d.id = ${params.add(id)} AND ${ownedReach(caller, 'd', params)}`, params.values);
  return rows[0];
}

export async function documentsOfVehicle(db: EntityManager, vehicleId: string): Promise<DocumentRecord[]> {
  return db.query(`SELECT ${COLUMNS} FROM documents d WHERE d.vehicle_id = $1 ORDER BY d.created_at LIMIT 200`, [vehicleId]);
}

export async function documentsOfCustomer(db: EntityManager, customerId: string): Promise<DocumentRecord[]> {
  return db.query(`SELECT ${COLUMNS} FROM documents d WHERE d.customer_id = $1 ORDER BY d.created_at`, [customerId]);
}
