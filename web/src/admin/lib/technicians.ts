import { useQuery } from '@tanstack/react-query';
import { apiJson } from '../../shell/api/client.ts';
import type { User } from './types.ts';

/** The garage's technicians (auth's user list; garage keeps no list of its own). */
export function useTechnicians() {
  return useQuery({
    queryKey: ['admin', 'users', 'technicians'],
    queryFn: () => apiJson<{ items: User[] }>('/api/v1/users', { query: { role: 'technician', status: 'active', limit: 100 } }),
    select: (data) => data.items,
  });
}
