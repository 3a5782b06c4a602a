import { ADMIN } from '@ecar/contracts';
import { customerSearchQuery } from '@ecar/contracts/requests/garage';
import { pageOf, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { CustomerSearch } from '../domain/search.ts';
import { customerSummaryView } from './views.ts';

/** Issue 15. Mounted before `/api/v1/customers/:id` (whose id must be a UUID). */
export function searchRoutes(search: CustomerSearch): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/customers/search',
      // Technicians are refused: a search answer confirms a plate, VIN or phone fragment, which they may not read.
      roles: ADMIN,
      query: customerSearchQuery,
      summary: 'Counter search on sealed fields: name prefix, part of a plate, end of a VIN or phone (truncated blind-index tokens, candidates confirmed by decryption)',
      async handle({ caller, query }) {
        const hits = await search.search(caller, {
          q: query.q,
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: rowsForPage(query.limit),
        });
        return pageOf(hits, query.limit, (hit) => ({ ...customerSummaryView(hit.customer, caller), matchedOn: hit.matchedOn, vehicles: hit.vehicles }), (hit) => hit.customer.id);
      },
    }),
  ];
}
