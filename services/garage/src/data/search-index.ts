import type { EntityManager } from '@ecar/db';
import type { Customer, CustomerSealedField } from '../domain/customer.ts';
import type { Vehicle } from '../domain/vehicle.ts';
import { termsOf, type SearchKind } from '../domain/search-terms.ts';
import { CUSTOMER_COLUMNS, type CustomerStore } from './customers.ts';
import type { FieldCipher } from './field-cipher.ts';
import type { VehicleStore } from './vehicles.ts';

/**
 * The `search_terms` table (issue 15): one row per (source row, kind, token) — tokens of the
 * customer's name and phone (source = the customer) and of each vehicle's plate and VIN
 * (source = the vehicle, `customer_id` its owner). Rewritten with the row on every write;
 * `search_key_id` on the source row names the key its tokens were computed under, so a rotation
 * or the first run after the upgrade finds the rows to (re)index.
 */

interface Term {
  kind: SearchKind;
  token: number;
}

function tokensOf(cipher: FieldCipher, values: ReadonlyArray<[SearchKind, string | null]>): Term[] {
  const seen = new Set<string>();
  const terms: Term[] = [];
  for (const [kind, value] of values) {
    for (const term of termsOf(kind, value)) {
      const token = cipher.searchToken(kind, term);
      const key = `${kind}:${token}`;
      if (seen.has(key)) continue;
      seen.add(key);
      terms.push({ kind, token });
    }
  }
  return terms;
}

/** Replaces the terms of one source row (`isNew`: nothing to delete). */
async function writeTerms(db: EntityManager, cipher: FieldCipher, sourceId: string, customerId: string, terms: readonly Term[], isNew: boolean): Promise<void> {
  if (!isNew) await db.query(`DELETE FROM search_terms WHERE source_id = $1`, [sourceId]);
  if (terms.length === 0) return;
  await db.query(
    `INSERT INTO search_terms (kind, token, customer_id, source_id, key_id)
     SELECT kind, token, $3, $4, $5 FROM unnest($1::text[], $2::int[]) AS t(kind, token)`,
    [terms.map((term) => term.kind), terms.map((term) => term.token), customerId, sourceId, cipher.keyring.currentKeyId],
  );
}

/** A customer's name and phone terms; an anonymised customer has none. */
export async function indexCustomer(db: EntityManager, cipher: FieldCipher, customer: Customer, isNew: boolean): Promise<void> {
  const terms = customer.anonymisedAt ? [] : tokensOf(cipher, [['name', customer.name], ['phone', customer.phone]]);
  await writeTerms(db, cipher, customer.id, customer.id, terms, isNew);
}

/** A vehicle's plate and VIN terms (an anonymised plate is not indexed). */
export async function indexVehicle(db: EntityManager, cipher: FieldCipher, vehicle: Vehicle, isNew: boolean): Promise<void> {
  const terms = vehicle.plate.startsWith('ANONYMISED ') ? [] : tokensOf(cipher, [['plate', vehicle.plate], ['vin', vehicle.vin]]);
  await writeTerms(db, cipher, vehicle.id, vehicle.customerId, terms, isNew);
}

/** One kind's lookup term of a query. */
export interface TokenQuery {
  kind: SearchKind;
  term: string;
}

/** The tokens a query is looked up by: each term under every key of the keyring (during a rotation rows are under either). */
export interface QueryTokens {
  kinds: SearchKind[];
  tokens: number[];
}

/** Computed once per search, whatever the number of rounds its paging takes. */
export function queryTokens(cipher: FieldCipher, queries: readonly TokenQuery[]): QueryTokens {
  const kinds: SearchKind[] = [];
  const tokens: number[] = [];
  for (const { kind, term } of queries) {
    for (const keyId of cipher.keyring.keyIds) {
      kinds.push(kind);
      tokens.push(cipher.searchToken(kind, term, keyId));
    }
  }
  return { kinds, tokens };
}

/** A vehicle of a candidate holding a plate or VIN token of the query, opened. */
export interface CandidateVehicle {
  id: string;
  plate: string;
  /** Opened only when the vehicle holds the query's VIN token (null otherwise). */
  vin: string | null;
}

/** A candidate customer, opened, with the kinds and vehicles that hold a query token. */
export interface Candidate {
  customer: Customer;
  /** The kinds whose token this customer holds: only these need confirming. */
  kinds: SearchKind[];
  /** The vehicles holding a plate or VIN token: the only vehicles opened (created_at, id order). */
  vehicles: CandidateVehicle[];
}

/** The smallest uuid: the keyset start of a first page (keeps the range condition usable by the index). */
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

interface CandidateRow extends Record<string, unknown> {
  kinds: SearchKind[];
  vehicles: Array<{ id: string; plate: string; vin: string | null; kinds: SearchKind[] }> | null;
}

/**
 * Customers having a token of the query, by id after `after` (keyset), at most `limit`, with
 * their rows and the vehicles that hold a token — one statement, one round trip. The tokens are
 * truncated, so these are candidates: the caller confirms them against the opened values. Each
 * token's rows are read in `search_terms_lookup` order (kind, token, customer_id) and stopped
 * after `limit` customers, so a common prefix ("ben", tens of thousands of rows at 100,000
 * customers) reads a page's worth of the index, not all of it. Opened: the name and the groups
 * holding `fields`, and of each matched vehicle its plate (and its VIN when that token matched).
 */
export async function candidateCustomers(
  db: EntityManager,
  stores: { customers: CustomerStore; vehicles: VehicleStore },
  query: QueryTokens,
  after: string | undefined,
  limit: number,
  fields: readonly CustomerSealedField[],
): Promise<Candidate[]> {
  if (query.tokens.length === 0) return [];
  // `customer_id = ANY (ARRAY(…))` keeps the second read of search_terms an index lookup per token:
  // a join on ids let the planner hash-join every row of a common token (docs/performance/search.md).
  const rows: CandidateRow[] = await db.query(
    `WITH q AS (SELECT * FROM unnest($1::text[], $2::int[]) AS q(kind, token)),
     ids AS (
       SELECT DISTINCT c.customer_id FROM q
         CROSS JOIN LATERAL (
           SELECT DISTINCT s.customer_id FROM search_terms s
            WHERE s.kind = q.kind AND s.token = q.token AND s.customer_id > $3::uuid
            ORDER BY s.customer_id LIMIT $4) c
        ORDER BY c.customer_id LIMIT $4),
     hits AS MATERIALIZED (
       SELECT s.customer_id, s.kind, s.source_id
         FROM q JOIN search_terms s ON s.kind = q.kind AND s.token = q.token AND s.customer_id = ANY (ARRAY(SELECT customer_id FROM ids))),
     per_customer AS (SELECT customer_id, array_agg(DISTINCT kind) AS kinds FROM hits GROUP BY customer_id),
     per_vehicle AS (
       SELECT customer_id, source_id, array_agg(DISTINCT kind) AS kinds FROM hits WHERE kind IN ('plate', 'vin') GROUP BY customer_id, source_id)
     SELECT ${CUSTOMER_COLUMNS}, k.kinds,
            (SELECT json_agg(json_build_object('id', v.id, 'plate', v.plate_sealed, 'vin', v.vin_sealed, 'kinds', pv.kinds) ORDER BY v.created_at, v.id)
               FROM per_vehicle pv JOIN vehicles v ON v.id = pv.source_id AND v.customer_id = pv.customer_id
              WHERE pv.customer_id = k.customer_id) AS vehicles
       FROM per_customer k JOIN customers c ON c.id = k.customer_id
      ORDER BY c.id`,
    [query.kinds, query.tokens, after ?? FIRST_ID, limit],
  );
  return rows.map((row) => ({
    customer: stores.customers.decode(row, fields),
    kinds: row.kinds,
    vehicles: (row.vehicles ?? []).map((vehicle) => stores.vehicles.openMatch(vehicle.id, vehicle.plate, vehicle.vin, vehicle.kinds.includes('vin'))),
  }));
}
