import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
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
});
