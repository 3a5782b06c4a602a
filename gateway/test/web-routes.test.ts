import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { webRoutes } from '../src/web.ts';

describe('gateway web routes', () => {
  const directory = mkdtempSync(join(tmpdir(), 'ecar-web-'));
  let base = '';
  let close = () => {};
  before(async () => {
    for (const area of ['app', 'admin', 'assets']) mkdirSync(join(directory, area));
    writeFileSync(join(directory, 'app', 'index.html'), '<p>app</p>');
    writeFileSync(join(directory, 'admin', 'index.html'), '<p>admin</p>');
    writeFileSync(join(directory, 'assets', 'a.js'), 'x = 1;');
    const app = express();
    app.use(webRoutes(directory));
    // Stands for the API handler behind the web routes.
    app.use((_req, res) => void res.status(299).send('api'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => {
    close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves /, /admin, /app and /assets with what is below them, case-insensitively as express mounts match', async () => {
    const status = async (path: string) => (await fetch(`${base}${path}`, { redirect: 'manual' })).status;
    assert.equal(await status('/'), 302);
    assert.equal(await status('/app'), 301);
    assert.equal(await status('/APP/'), 200);
    assert.equal(await status('/app/work-orders/1'), 200);
    assert.equal(await status('/Admin/'), 200);
    assert.equal(await status('/assets/a.js'), 200);
    assert.equal(await status('/ASSETS/a.js'), 200);
    assert.equal(await status('/assets/none.js'), 404);
  });

  it('passes everything else on to the API handler untouched', async () => {
    for (const path of ['/api/v1/auth/me', '/apps', '/application/x', '/admin.js', '/%61pp/', '/.well-known/jwks.json']) {
      const answer = await fetch(`${base}${path}`, { redirect: 'manual' });
      assert.equal(answer.status, 299, path);
      assert.equal(answer.headers.get('content-security-policy'), null, path);
    }
  });
});
