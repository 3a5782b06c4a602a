import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createLogger } from '@ecar/logger';
import { PG_ADMIN_URL } from '@ecar/testkit';
import { createServiceApp, listen, type RunningServer } from '../src/index.ts';

// The errors come from a real PostgreSQL and a real node-postgres pool (one connection, held by
// the test): what a saturated or slow database really throws, not hand-made copies.
describe('a database that cannot serve now answers 503 with Retry-After, not 500', () => {
  let server: RunningServer;
  let pool: pg.Pool;
  let held: pg.PoolClient | undefined;
  before(async () => {
    pool = new pg.Pool({ connectionString: PG_ADMIN_URL, max: 1, connectionTimeoutMillis: 200 });
    const service = createServiceApp({ service: 'database-unavailable-test', logger: createLogger({ service: 'database-unavailable-test', level: 'error' }), readiness: [] });
    const run = (sql: string) => async (_req: unknown, res: { json(body: unknown): void }, next: (error: unknown) => void) => {
      try {
        res.json((await pool.query(sql)).rows);
      } catch (error) {
        next(error);
      }
    };
    service.app.get('/fine', run('SELECT 1 AS one'));
    service.app.get('/slow', run(`SET LOCAL statement_timeout = '50ms'; SELECT pg_sleep(2)`));
    service.app.get('/bug', run('SELEC 1'));
    service.app.get('/conflict', run(`CREATE TEMP TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (1)`));
    service.seal();
    server = await listen(service.app, 0);
  });
  after(async () => {
    held?.release();
    await server?.close(100);
    await pool?.end();
  });

  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: response.status, type: response.headers.get('content-type') ?? '', retryAfter: response.headers.get('retry-after'), body: await response.text() };
  };

  it('no free connection in the pool (the wait timed out) → 503 problem with Retry-After', async () => {
    assert.equal((await get('/fine')).status, 200);
    held = await pool.connect();
    const answer = await get('/fine');
    held.release();
    held = undefined;
    assert.equal(answer.status, 503, answer.body);
    assert.match(answer.type, /^application\/problem\+json/);
    assert.equal(answer.retryAfter, '2');
    assert.doesNotMatch(answer.body, /timeout exceeded|pg-pool|at /, 'nothing about the cause leaks');
    assert.equal((await get('/fine')).status, 200, 'served again once a connection is free');
  });

  it('a statement cancelled by its timeout (57014) → 503', async () => {
    const answer = await get('/slow');
    assert.equal(answer.status, 503, answer.body);
  });

  it('a bug stays a 500: a syntax error (42601) or a constraint violation (23505) is not "unavailable"', async () => {
    assert.equal((await get('/bug')).status, 500);
    assert.equal((await get('/conflict')).status, 500);
  });
});
