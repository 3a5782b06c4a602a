/**
 * Session settings (`createDataSource({ session })`): every pooled connection starts with them, so
 * SQL can read policy with current_setting (garage's technician reach, issue 12 finding 7), and
 * anything that would need quoting in the libpq `options` string is refused before connecting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@ecar/testkit';
import { createDataSource } from '../src/index.ts';

let database: TestDatabase;

describe('database session settings', () => {
  before(async () => {
    database = await createTestDatabase('dbsession');
  });
  after(async () => {
    await database?.drop();
  });

  it('every connection of the pool carries the settings; a connection without them reads NULL', async () => {
    const source = createDataSource({ url: database.url, migrations: [], poolMax: 3, session: { 'ecar.test_hours': '168', 'ecar.other': 'a-b_c.1' } });
    const plain = createDataSource({ url: database.url, migrations: [], poolMax: 1 });
    await Promise.all([source.initialize(), plain.initialize()]);
    try {
      const read = `SELECT current_setting('ecar.test_hours', true) AS hours, current_setting('ecar.other', true) AS other, pg_sleep(0.05)::text AS _`;
      const rows = (await Promise.all([source.query(read), source.query(read), source.query(read)])) as Array<Array<{ hours: string; other: string }>>;
      assert.deepEqual(rows.map(([row]) => [row!.hours, row!.other]), [['168', 'a-b_c.1'], ['168', 'a-b_c.1'], ['168', 'a-b_c.1']]);
      const [unset] = (await plain.query(`SELECT current_setting('ecar.test_hours', true) AS hours`)) as Array<{ hours: string | null }>;
      assert.equal(unset!.hours, null);
    } finally {
      await Promise.all([source.destroy(), plain.destroy()]);
    }
  });

  it('refuses a name without a prefix, or a value with spaces or quotes, instead of building the options string', () => {
    const sessions: Array<Record<string, string>> = [{ work_mem: '1MB' }, { 'ecar.x': '1 -c statement_timeout=0' }, { 'ecar.x': "'1'" }, { 'ecar.x': '' }];
    for (const session of sessions) {
      assert.throws(() => createDataSource({ url: database.url, migrations: [], session }), /is not a plain name and value/, JSON.stringify(session));
    }
  });
});
