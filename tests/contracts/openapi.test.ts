import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { PEERS, peersOf, routeId } from '@ecar/runtime';
import { API_DOCUMENTS, documentPath, renderDocument } from '../../scripts/openapi-documents.ts';

const redocly = fileURLToPath(new URL('../../node_modules/.bin/redocly', import.meta.url));

describe('OpenAPI documents generated from the route tables', () => {
  for (const document of API_DOCUMENTS) {
    it(`docs/openapi/${document.service}.json is what the route table generates (run: npx tsx scripts/write-openapi.ts)`, () => {
      assert.equal(readFileSync(documentPath(document.service), 'utf8'), renderDocument(document));
    });

    it(`docs/openapi/${document.service}.json passes an independent OpenAPI 3.1 linter with no error (redocly, recommended rules)`, () => {
      const result = spawnSync(redocly, ['lint', fileURLToPath(documentPath(document.service))], {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 120_000,
      });
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(`${result.stdout}${result.stderr}`, /valid/);
    });
  }

  it('every route of every documented table has a unique operationId and its roles in the description', () => {
    for (const document of API_DOCUMENTS) {
      const operations = Object.values(JSON.parse(renderDocument(document)).paths as Record<string, Record<string, { operationId: string; description: string }>>).flatMap(Object.values);
      assert.equal(operations.length, document.routes().length, document.service);
      assert.equal(new Set(operations.map((operation) => operation.operationId)).size, operations.length, document.service);
      for (const operation of operations) assert.match(operation.description, /^(Roles: |No access token)/);
    }
  });

  it('every peer a route table names holds an internal certificate (PKI_PEERS of prepare-host.sh); only /internal routes and the JWKS admit more than the gateway', () => {
    const pki = /^PKI_PEERS="([^"]+)"$/m.exec(readFileSync(new URL('../../scripts/deploy/prepare-host.sh', import.meta.url), 'utf8'))![1]!.split(' ');
    const widened: string[] = [];
    for (const document of API_DOCUMENTS) {
      for (const route of document.routes()) {
        for (const peer of peersOf(route)) assert.ok(pki.includes(peer), `${routeId(route)}: ${peer} has no certificate`);
        if (peersOf(route) !== PEERS.api) widened.push(routeId(route));
      }
    }
    assert.deepEqual(widened.sort(), ['GET /.well-known/jwks.json', 'GET /internal/v1/customers/:id/contact', 'GET /internal/v1/revoked-sessions', 'GET /internal/v1/users/:userId/customer']);
  });
});
