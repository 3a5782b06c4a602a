import { badRequest } from '@ecar/errors';
import { newEvent, type Caller } from '@ecar/contracts';
import { candidateCustomers, queryTokens, type TokenQuery } from '../data/search-index.ts';
import type { Customer } from './customer.ts';
import type { GarageContext } from './garage.ts';
import { kindsFor, matches, queryTerm, type SearchKind } from './search-terms.ts';
import type { Vehicle } from './vehicle.ts';

export interface SearchHit {
  customer: Customer;
  matchedOn: SearchKind[];
  vehicles: Array<Pick<Vehicle, 'id' | 'plate'>>;
}

/**
 * Candidates fetched per round while filling a page: the page plus a margin for token collisions
 * (about 3 per kind at 100,000 customers, docs/security/search.md) — each candidate is opened.
 */
const COLLISION_MARGIN = 8;

/**
 * Counter search (issue 15): a query is turned into the token of each kind it can be, candidates
 * are found by token, opened and confirmed against the query — a truncated-token collision never
 * reaches the answer. Super-admin only (the route says so): a technician could otherwise confirm
 * a plate or phone of a customer they may not read.
 */
export class CustomerSearch {
  constructor(private readonly garage: GarageContext) {}

  async search(caller: Caller, query: { q: string; kind?: SearchKind; after?: string; limit: number }): Promise<SearchHit[]> {
    const kinds = query.kind ? [query.kind] : kindsFor(query.q);
    const queries: TokenQuery[] = [];
    for (const kind of kinds) {
      const term = queryTerm(kind, query.q);
      if (term !== undefined) queries.push({ kind, term });
    }
    if (queries.length === 0) {
      throw badRequest('The search is too short', [{ path: 'q', code: 'too_short', message: 'type at least 2 letters of a name, 3 characters of a plate or 4 digits of a phone or VIN' }]);
    }
    const tokens = queryTokens(this.garage.cipher, queries);
    // A read: no transaction, and the access record committed before the answer (UnitOfWork.read).
    return this.garage.unitOfWork.read(async (db) => {
      const hits: SearchHit[] = [];
      let after = query.after;
      for (;;) {
        const batch = query.limit - hits.length + COLLISION_MARGIN;
        // Only what confirms a candidate is opened: its name and contact group (shown in the answer),
        // and the vehicles whose own plate or VIN token matched — not every vehicle of every candidate.
        const candidates = await candidateCustomers(db, this.garage, tokens, after, batch, ['phone', 'email']);
        if (candidates.length === 0) break;
        for (const { customer, kinds: held, vehicles } of candidates) {
          if (customer.anonymisedAt) continue;
          const matchedOn: SearchKind[] = [];
          const matching = new Map<string, Pick<Vehicle, 'id' | 'plate'>>();
          // In the query's kind order; a kind whose token this customer does not hold cannot match.
          for (const { kind } of queries) {
            if (!held.includes(kind)) continue;
            if (kind === 'name' && matches('name', customer.name, query.q)) matchedOn.push(kind);
            if (kind === 'phone' && matches('phone', customer.phone, query.q)) matchedOn.push(kind);
            if (kind === 'plate' || kind === 'vin') {
              const found = vehicles.filter((vehicle) => matches(kind, kind === 'plate' ? vehicle.plate : vehicle.vin, query.q));
              if (found.length > 0) matchedOn.push(kind);
              for (const vehicle of found) matching.set(vehicle.id, { id: vehicle.id, plate: vehicle.plate });
            }
          }
          if (matchedOn.length > 0) hits.push({ customer, matchedOn, vehicles: [...matching.values()] });
          if (hits.length >= query.limit) break;
        }
        if (hits.length >= query.limit || candidates.length < batch) break;
        after = candidates[candidates.length - 1]!.customer.id;
      }
      // AUD-4: one access record naming every customer the page reveals, as the list does.
      const events =
        hits.length === 0
          ? []
          : [
              newEvent(caller, 'garage.customer.accessed', { type: 'customer-list', id: caller.correlationId.slice(0, 128) }, {
                customerIds: hits.map((hit) => hit.customer.id),
                fields: ['name', 'phone', 'email', ...(hits.some((hit) => hit.vehicles.length > 0) ? ['vehicles.plate'] : [])],
                purpose: 'search',
              }),
            ];
      return { result: hits, events };
    });
  }
}
