import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from './child-process.ts';

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'ecar-backup-drill' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` against a fresh database `ecar_drill_<random>` created through `adminUrl` (a role
 * with CREATEDB), and drops it afterwards whatever happens.
 */
export async function withScratchDatabase<T>(adminUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  // Generated name (hex), never input: safe to place in DDL.
  const name = `ecar_drill_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  try {
    return await work(withDatabase(adminUrl, name));
  } finally {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
