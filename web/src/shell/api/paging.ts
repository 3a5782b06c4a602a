import { useInfiniteQuery, type InfiniteData, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { apiJson, type QueryValue } from './client.ts';

/** The services' list answer: a page of items and the cursor of the next page (null at the end). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorList<T> {
  items: T[];
  query: UseInfiniteQueryResult<InfiniteData<CursorPage<T>, string | undefined>>;
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * A cursor-paged list (`?cursor=&limit=`): pages accumulate as the user asks for more. `key`
 * names the data for TanStack Query (invalidate it after a change); filters join the key.
 */
export function useCursorList<T>(key: readonly unknown[], path: string, filters: Record<string, QueryValue> = {}, limit = 25): CursorList<T> {
  const query = useInfiniteQuery<CursorPage<T>, Error, InfiniteData<CursorPage<T>, string | undefined>, readonly unknown[], string | undefined>({
    queryKey: [...key, filters, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => apiJson<CursorPage<T>>(path, { query: { ...filters, limit, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return {
    items: query.data?.pages.flatMap((page) => page.items) ?? [],
    query,
    hasMore: query.hasNextPage,
    loadMore: () => void query.fetchNextPage(),
  };
}
