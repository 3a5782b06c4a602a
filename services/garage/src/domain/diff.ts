/** `{ field: [before, after] }` for the fields whose value differs (the `changes` of an event). */
export function diff<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of fields) {
    const a = before[field];
    const b = after[field];
    const same = a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
    if (!same) changes[field] = [a ?? null, b ?? null];
  }
  return changes;
}
