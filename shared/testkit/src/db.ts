import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test role (CREATEDB, created by scripts/ensure-system.sh): creates and drops per-test databases. */
export const PG_ADMIN_URL = process.env['ECAR_TEST_PG_ADMIN_URL'] ?? 'postgres://ecar_test:ecar-test-only@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file; names are random so test files run in parallel. Empty, or
 * a copy of `template` (a database nobody is connected to, e.g. a seeded profile for a bench).
 */
export async function createTestDatabase(prefix: string, options: { template?: string } = {}): Promise<TestDatabase> {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9]/g, '_').slice(0, 20);
  const name = `ecar_t_${safe}_${randomBytes(4).toString('hex')}`;
  if (options.template !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.template)) throw new Error(`not a database name: ${options.template}`);
  await adminQuery(options.template === undefined ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${options.template}`);
  return {
    name,
    url: databaseUrl(name),
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
