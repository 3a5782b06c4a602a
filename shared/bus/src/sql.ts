import { queryRows, type EntityManager } from '@ecar/db';

/** Runs SQL inside the caller's transaction; refuses a manager that has none. */
export async function transactionRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('expected the EntityManager of a transaction (dataSource.transaction(async (manager) => ...))');
  }
  return queryRows<T>(manager, sql, params);
}
