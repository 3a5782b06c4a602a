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

export interface CursorListOptions {
  /** Page size asked for (each service caps it). */
  limit?: number;
  /** The query parameter that carries the cursor: garage lists use `after`, billing, audit and backup `cursor`. */
  cursorParam?: 'cursor' | 'after';
}

/**
 * A cursor-paged list: pages accumulate as the user asks for more. `key` names the data for
 * TanStack Query (invalidate it after a change); filters join the key.
 */
export function useCursorList<T>(key: readonly unknown[], path: string, filters: Record<string, QueryValue> = {}, options: CursorListOptions = {}): CursorList<T> {
  const limit = options.limit ?? 25;
  const cursorParam = options.cursorParam ?? 'cursor';
  const query = useInfiniteQuery<CursorPage<T>, Error, InfiniteData<CursorPage<T>, string | undefined>, readonly unknown[], string | undefined>({
    queryKey: [...key, filters, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => apiJson<CursorPage<T>>(path, { query: { ...filters, limit, [cursorParam]: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return {
    items: query.data?.pages.flatMap((page) => page.items) ?? [],
    query,
    hasMore: query.hasNextPage,
    loadMore: () => void query.fetchNextPage(),
  };
}
