import { ADMIN } from '@ecar/contracts';
import { plateClaimListQuery } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { PlateClaimService } from '../domain/plate-claims.ts';

/** The garage's queue of plate claims (issue 12, finding 5): a customer registered a plate already on another customer's vehicle. */
export function plateClaimRoutes(claims: PlateClaimService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/plate-claims',
      roles: ADMIN,
      query: plateClaimListQuery,
      summary: 'Plate claims (optionally of one status), with the claimant, the holder and both descriptions of the vehicle',
      async handle({ caller, query }) {
        const rows = await claims.list(caller, {
          ...(query.status ? { status: query.status } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: rowsForPage(query.limit),
        });
        return pageById(rows, query.limit);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/plate-claims/:id/accept',
      roles: ADMIN,
      summary: 'Accept a plate claim: the vehicle moves to the claimant (papers checked at the garage)',
      handle: ({ caller, params }) => claims.accept(caller, params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/plate-claims/:id/refuse',
      roles: ADMIN,
      summary: 'Refuse a plate claim: the vehicle stays with its holder',
      handle: ({ caller, params }) => claims.refuse(caller, params.id),
    }),
  ];
}
