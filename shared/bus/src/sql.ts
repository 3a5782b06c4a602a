import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * TypeORM's plain `query()` returns `[rows, count]` for UPDATE and DELETE but `rows` for the
 * rest; these helpers ask for the structured result, which has `records` for every statement.
 */
export async function queryRows<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = dataSource.createQueryRunner();
  try {
    return await rowsOf<T>(runner, sql, params);
  } finally {
    await runner.release();
  }
}

/** Runs SQL inside the caller's transaction; refuses a manager that has none. */
export async function transactionRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return rowsOf<T>(activeTransaction(manager), sql, params);
}

export function activeTransaction(manager: EntityManager): QueryRunner {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error('expected the EntityManager of a transaction (dataSource.transaction(async (manager) => ...))');
  }
  return runner;
}

async function rowsOf<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  const result = await runner.query(sql, params, true);
  return (result.records ?? []) as T[];
}
