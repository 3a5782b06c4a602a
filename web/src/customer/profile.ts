import { useQuery } from '@tanstack/react-query';
import { apiJson } from '../shell/api/client.ts';
import type { CursorPage } from '../shell/api/paging.ts';
import type { CustomerResponse } from '@ecar/contracts/responses/garage';

/** GET /api/v1/customers/:id as the customer sees their own profile. */
export type CustomerProfile = CustomerResponse;

export const PROFILE_KEY = ['customers', 'me'] as const;

/**
 * The signed-in customer's garage profile. Garage creates it from the account's sign-up event,
 * a moment after the account exists: until then the list is empty and this asks again.
 */
export function useMyProfile() {
  return useQuery({
    queryKey: PROFILE_KEY,
    queryFn: async ({ signal }) => {
      const page = await apiJson<CursorPage<{ id: string }>>('/api/v1/customers', { query: { limit: 1 }, signal });
      const own = page.items[0];
      return own ? apiJson<CustomerProfile>(`/api/v1/customers/${own.id}`, { signal }) : null;
    },
    refetchInterval: (query) => (query.state.data === null ? 2_000 : false),
  });
}
