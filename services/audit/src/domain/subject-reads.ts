import type { OwnReadResponse, OwnReadsPage } from '@ecar/contracts/responses/audit-reads';
import type { DataSource } from '@ecar/db';
import { pageOf, rowsForPage } from '@ecar/primitives';
import { customersOwnedBy, displayNames, readsOfCustomers } from '../data/subject-reads.ts';

const STAFF = new Set(['super-admin', 'technician']);
const ROLES = new Set(['super-admin', 'technician', 'customer']);

/**
 * "Who read my data" (issue 15, AUD-4 made visible): the access records about the signed-in
 * customer's own profile, found through the customers their account owns; their own reads are
 * left out. Staff are named by their display name, never by id or address.
 */
export class SubjectReads {
  constructor(private readonly dataSource: DataSource) {}

  async ofAccount(userId: string, cursor: string | undefined, limit: number): Promise<OwnReadsPage> {
    const db = this.dataSource.manager;
    const customerIds = await customersOwnedBy(db, userId);
    const rows = await readsOfCustomers(db, { customerIds, exceptActor: userId, ...(cursor ? { before: BigInt(cursor) } : {}), limit: rowsForPage(limit) });
    const staffIds = [...new Set(rows.filter((row) => row.actorId && STAFF.has(row.actorRole ?? '')).map((row) => row.actorId!))];
    const names = await displayNames(db, staffIds);
    return pageOf(
      rows,
      limit,
      (row): OwnReadResponse => {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        const fields = Array.isArray(data['fields']) ? data['fields'].filter((field): field is string => typeof field === 'string') : [];
        const role = row.actorRole && ROLES.has(row.actorRole) ? (row.actorRole as OwnReadResponse['reader']['role']) : 'system';
        return {
          id: row.seq,
          occurredAt: row.occurredAt.toISOString(),
          reader: { role, name: role === 'system' ? row.actorSystem : row.actorId ? (names.get(row.actorId) ?? null) : null },
          fields,
          purpose: typeof data['purpose'] === 'string' ? data['purpose'] : null,
          kind: row.type,
        };
      },
      (row) => row.seq,
    );
  }
}
