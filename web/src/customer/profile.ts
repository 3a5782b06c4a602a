import { useQuery } from '@tanstack/react-query';
import { apiJson } from '../shell/api/client.ts';
import type { CursorPage } from '../shell/api/paging.ts';

/** GET /api/v1/customers/:id as the customer sees their own profile. */
export interface CustomerProfile {
  id: string;
  userId: string | null;
  kind: 'person' | 'company';
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  cin: string | null;
  taxId: string | null;
  consent: { givenAt: string | null; method: string | null; withdrawnAt: string | null };
  createdAt: string;
  updatedAt: string;
}

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
