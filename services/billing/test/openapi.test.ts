import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { BILLING_ROUTES } from '../src/api/route-table.ts';

const document = parse(readFileSync(new URL('../../../docs/openapi/billing.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
};

const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

describe('docs/openapi/billing.yaml is in step with the route table', () => {
  it('documents every route of BILLING_ROUTES, with its operationId and success status', () => {
    for (const route of BILLING_ROUTES) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method];
      assert.ok(operation, `${route.method.toUpperCase()} ${route.path} is missing from the OpenAPI document`);
      assert.equal(operation.operationId, route.name);
      assert.ok(operation.responses?.[String(route.success)], `${route.name} documents its ${route.success}`);
    }
  });

  it('documents nothing that is not routed', () => {
    const routed = new Set(BILLING_ROUTES.map((route) => `${route.method} ${openApiPath(route.path)}`));
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item).filter((key) => key !== 'parameters')) assert.ok(routed.has(`${method} ${path}`), `${method} ${path} is documented but not routed`);
    }
  });
});
