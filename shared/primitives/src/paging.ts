/** One page of a list: the items and the cursor of the next page (null on the last page). */
export interface Page<V> {
  items: V[];
  nextCursor: string | null;
}

/** Rows to fetch for a page of `limit`: one more tells whether another page follows. */
export const rowsForPage = (limit: number) => limit + 1;

/**
 * `{ items, nextCursor }` from the `limit + 1` rows fetched: the extra row is dropped and means
 * there is a next page, whose cursor is the last item's (by default its id).
 */
export function pageOf<T, V>(rows: readonly T[], limit: number, view: (row: T) => V, cursorOf: (row: T) => string): Page<V> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(view), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** The usual case: rows ordered by id, the cursor is the last id. */
export function pageById<T extends { id: string }, V = T>(rows: readonly T[], limit: number, view: (row: T) => V = (row) => row as unknown as V): Page<V> {
  return pageOf(rows, limit, view, (row) => row.id);
}
