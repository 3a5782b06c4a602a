/**
 * Replicas of a service start at the same moment (docker compose --scale, tests/deploy) and
 * each runs the migrations at boot: they must not race each other into a failed start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@ecar/logger';
import { createTestDatabase, type TestDatabase } from '@ecar/testkit';
import { createDataSource, initializeDatabase, sqlMigration } from '../src/index.ts';

const logger = createLogger({ service: 'db-test', level: 'error' });
const migrations = [
  sqlMigration('ReplicaRaceOne1700000000000', [
    `CREATE TYPE replica_state AS ENUM ('a', 'b')`,
    `CREATE TABLE replica_things (id serial PRIMARY KEY, state replica_state NOT NULL)`,
  ]),
  sqlMigration('ReplicaRaceTwo1700000000001', [`CREATE INDEX replica_things_state ON replica_things (state)`]),
];

let database: TestDatabase;

describe('initializeDatabase with replicas starting together', () => {
  before(async () => {
    database = await createTestDatabase('dbrace');
  });
  after(async () => {
    await database?.drop();
  });

  it('four data sources migrating at once all start, and each migration ran once', async () => {
    const sources = Array.from({ length: 4 }, (_, index) => createDataSource({ url: database.url, migrations, applicationName: `replica-${index}`, poolMax: 2 }));
    try {
      const results = await Promise.allSettled(sources.map((source) => initializeDatabase(source, logger)));
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'], JSON.stringify(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))));
      const rows = (await sources[0]!.query(`SELECT name FROM migrations ORDER BY id`)) as Array<{ name: string }>;
      assert.deepEqual(rows.map((row) => row.name), ['ReplicaRaceOne1700000000000', 'ReplicaRaceTwo1700000000001']);
    } finally {
      await Promise.all(sources.map((source) => (source.isInitialized ? source.destroy() : undefined)));
    }
  });
});
