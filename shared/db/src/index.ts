import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Logger } from '@ecar/logger';
import { backoffDelay } from '@ecar/primitives';

export type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
export { DataSource } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

export interface DatabaseOptions {
  url: string;
  /** Every migration of this service, shared ones (outbox, inbox) included, in order. */
  migrations: MigrationClass[];
  poolMax?: number;
  applicationName?: string;
  /** Custom settings of every session (`SET name = value` at connection); names `prefix.name`, plain values. */
  session?: Readonly<Record<string, string>>;
}

const SESSION_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
const SESSION_VALUE = /^[A-Za-z0-9_.:-]{1,100}$/;

/** `-c a.b=1 -c c.d=x`, the libpq `options` startup parameter; anything needing quoting is refused. */
function sessionOptions(session: Readonly<Record<string, string>>): string {
  return Object.entries(session)
    .map(([name, value]) => {
      if (!SESSION_NAME.test(name) || !SESSION_VALUE.test(value)) throw new Error(`database session setting ${name}=${value} is not a plain name and value`);
      return `-c ${name}=${value}`;
    })
    .join(' ');
}

/**
 * One TypeORM data source per service on its own database. `synchronize` is never on: the schema
 * only changes through reviewed migrations, run at start.
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    migrations: options.migrations,
    entities: [],
    logging: false,
    applicationName: options.applicationName ?? 'ecar',
    extra: {
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
      ...(options.session && Object.keys(options.session).length > 0 ? { options: sessionOptions(options.session) } : {}),
    },
  });
}

/** Connects, retrying while the database starts. */
export async function connectWithRetry(dataSource: DataSource, logger: Logger, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      break;
    } catch (error) {
      if (attempt >= attempts) throw error;
      logger.warn('database not reachable yet; retrying', { attempt, error: (error as Error).message });
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt - 1, { initialMs: 400, maxMs: 5_000 })));
    }
  }
}

/**
 * Applies pending migrations under this database's advisory lock: replicas start together
 * (docker compose --scale), one applies them while the others wait, then find nothing left.
 */
export async function runMigrationsLocked(dataSource: DataSource, logger: Logger, message = 'migrations applied'): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('ecar.migrations'))`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) logger.info(message, { migrations: applied.map((m) => m.name) });
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(hashtext('ecar.migrations'))`).catch(() => undefined);
    await lock.release();
  }
}

/** Connects (retrying while the database starts) and applies pending migrations as the same role. */
export async function initializeDatabase(dataSource: DataSource, logger: Logger, attempts = 10): Promise<void> {
  await connectWithRetry(dataSource, logger, attempts);
  await runMigrationsLocked(dataSource, logger);
}

export async function databaseIsReachable(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  await dataSource.query('SELECT 1');
  return true;
}

interface ArrayQueryable {
  query(config: { text: string; values: readonly unknown[]; rowMode: 'array' }): Promise<{ rows: unknown[][] }>;
}

/**
 * A query whose rows come back as arrays of column values in select order, straight from the
 * driver (no row objects, no ORM): for reads of many rows where the per-row cost matters. Runs
 * in the manager's transaction when it has one, on the pool otherwise.
 */
export async function queryArrays<Row extends unknown[]>(db: EntityManager, text: string, values: readonly unknown[] = []): Promise<Row[]> {
  const runner = db.queryRunner;
  const client: ArrayQueryable =
    runner && !runner.isReleased ? ((await runner.connect()) as ArrayQueryable) : ((db.connection.driver as unknown as { master: ArrayQueryable }).master);
  return (await client.query({ text, values, rowMode: 'array' })).rows as Row[];
}

/** A migration written as plain SQL statements: reviewable, and exactly what runs. */
export function sqlMigration(name: string, up: string[], down: string[] = []): MigrationClass {
  const migration = class implements MigrationInterface {
    name = name;
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of up) await runner.query(statement);
    }
    async down(runner: QueryRunner): Promise<void> {
      for (const statement of down) await runner.query(statement);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/** Where SQL runs: the data source (own connection from the pool) or a transaction's manager. */
export type Db = DataSource | EntityManager;

export interface QueryOutcome<T> {
  rows: T[];
  /** Rows inserted, updated, deleted or selected (PostgreSQL's rowCount). */
  count: number;
}

/**
 * The one way to run SQL. TypeORM's plain `query()` answers `rows` for most statements but
 * `[rows, count]` for UPDATE and DELETE; this asks for the structured result, which has both for
 * every statement, so callers never unpack the two shapes.
 */
export async function runQuery<T = Record<string, unknown>>(db: Db, sql: string, params: readonly unknown[] = []): Promise<QueryOutcome<T>> {
  const manager = db instanceof DataSource ? db.manager : db;
  const own = manager.queryRunner ? undefined : manager.connection.createQueryRunner();
  const runner = manager.queryRunner ?? own!;
  try {
    const result = await runner.query(sql, [...params], true);
    return { rows: (result.records ?? []) as T[], count: result.affected ?? 0 };
  } finally {
    await own?.release();
  }
}

/** The rows of a SELECT (or of `… RETURNING`). */
export async function queryRows<T = Record<string, unknown>>(db: Db, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return (await runQuery<T>(db, sql, params)).rows;
}

/** How many rows an INSERT, UPDATE or DELETE touched. */
export async function affectedRows(db: Db, sql: string, params: readonly unknown[] = []): Promise<number> {
  return (await runQuery(db, sql, params)).count;
}

/** True for PostgreSQL's unique_violation, as TypeORM wraps it or not. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  return code === '23505' || driverError?.code === '23505';
}

export { migrateAsOwner, type OwnerMigrationOptions, type RuntimePrivileges } from './owner.ts';
