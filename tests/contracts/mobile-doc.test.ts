import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as authRequests from '@ecar/contracts/requests/auth';
import { loadGarageConfig } from '../../services/garage/src/config.ts';
import { API_DOCUMENTS, documentPath } from '../../scripts/openapi-documents.ts';

/*
 * docs/mobile.md against the OpenAPI documents generated from the route tables (issue 12, "tried
 * as a new user would"): its refresh body, pagination, upload format and size had drifted from
 * the API. Every route, example body, list parameter, upload type and limit it names is checked
 * here, so the page cannot say what the API does not do.
 */

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
}
interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}

const mobile = readFileSync(new URL('../../docs/mobile.md', import.meta.url), 'utf8');
const documents = Object.fromEntries(
  API_DOCUMENTS.map((document) => [document.service, JSON.parse(readFileSync(documentPath(document.service), 'utf8')) as { paths: Record<string, Record<string, Operation>> }]),
);

/** The operation of `METHOD /path` (`{id}` or `:id` segments), in whichever service documents it. */
function operation(method: string, path: string): Operation | undefined {
  const wanted = path.replace(/:(\w+)/g, '{$1}').replace(/\{\w+\}/g, '{}');
  for (const document of Object.values(documents)) {
    for (const [documented, operations] of Object.entries(document.paths)) {
      if (documented.replace(/\{\w+\}/g, '{}') === wanted && operations[method.toLowerCase()]) return operations[method.toLowerCase()];
    }
  }
  return undefined;
}

const ROUTE = /\b(GET|POST|PUT|PATCH|DELETE) (\/api\/v1\/[\w/{}:.-]*\w)/g;

describe('docs/mobile.md says only what the OpenAPI documents say', () => {
  it('every route it names exists', () => {
    const named = [...mobile.matchAll(ROUTE)].map((match) => `${match[1]} ${match[2]}`);
    assert.ok(named.length >= 6, `routes found: ${named.join(', ')}`);
    for (const route of named) assert.ok(operation(...(route.split(' ') as [string, string])), `${route} is not in docs/openapi`);
  });

  it('every example request body has only fields the route accepts, and all it requires', () => {
    const blocks = [...mobile.matchAll(/```http\n(GET|POST|PUT|PATCH|DELETE) (\S+)\n[\s\S]*?\n\n(\{[\s\S]*?\})\n```/g)];
    assert.ok(blocks.length >= 2, 'the login and refresh examples');
    for (const [, method, path, body] of blocks) {
      const schema = operation(method!, path!)?.requestBody?.content['application/json']?.schema;
      assert.ok(schema?.properties, `${method} ${path} takes a JSON body`);
      const fields = Object.keys(JSON.parse(body!) as object);
      for (const field of fields) assert.ok(field in schema.properties, `${method} ${path}: "${field}" is refused as unknown`);
      for (const field of schema.required ?? []) assert.ok(fields.includes(field), `${method} ${path}: "${field}" is required`);
    }
  });

  it('the request schemas it names exist in @ecar/contracts/requests/auth', () => {
    for (const [, name] of mobile.matchAll(/`(\w+Body)`/g)) assert.ok(name! in authRequests, `${name} is not exported`);
  });

  it('lists page by cursor as it says: garage lists by after=, invoices by cursor=, limit everywhere; no page numbers', () => {
    assert.match(mobile, /`after=` for garage lists, `cursor=` for invoices/);
    assert.doesNotMatch(mobile, /pageSize|[?&]page=/);
    const garageLists = Object.entries(documents['garage']!.paths).filter(([path, operations]) => path.startsWith('/api/v1/') && operations['get']?.parameters?.some((p) => p.name === 'limit'));
    assert.ok(garageLists.length > 0);
    for (const [path, operations] of garageLists) assert.ok(operations['get']!.parameters!.some((p) => p.name === 'after'), `GET ${path} pages by after=`);
    const invoices = operation('GET', '/api/v1/invoices')!.parameters!.map((p) => p.name);
    assert.ok(invoices.includes('cursor') && invoices.includes('limit'), invoices.join(', '));
  });

  it('uploads: the body is the file itself, of the media types the route takes; the size is the garage setting it names', () => {
    const bullet = /- Uploads[^\n]*\n(?: {2}[^\n]*\n)*/.exec(mobile)?.[0] ?? '';
    const route = /`POST (\/api\/v1\/vehicles\/\{id\}\/documents)`/.exec(bullet)?.[1];
    assert.ok(route, 'the upload bullet names the route');
    const content = Object.keys(operation('POST', route)!.requestBody!.content).sort();
    assert.deepEqual([...bullet.matchAll(/`((?:application|image)\/[\w.+-]+)`/g)].map((match) => match[1]).sort(), content);
    assert.ok(!content.includes('multipart/form-data'));
    assert.doesNotMatch(bullet, /multipart|\d+\s*(?:MiB|MB|Mo)\b/, 'no format or figure of its own');
    const setting = /`(MAX_\w+)` of the garage service/.exec(bullet)?.[1];
    assert.ok(setting && setting in loadGarageConfig({}).values, `${setting} is a garage setting`);
  });
});
