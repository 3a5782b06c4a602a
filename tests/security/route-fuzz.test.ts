import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import type { Role } from '@ecar/contracts';
import type { Route } from '@ecar/runtime';
import { startApiStack, type ApiStack } from '../support/api-stack.ts';

/*
 * Property-based fuzzing generated from the route tables (TST-1, APP-1): for every route of every
 * service (auth, audit, backup, garage, billing — all on the service kit) — its method, its path
 * with each `:param` replaced, the names and types of its query and body fields from its zod
 * schemas — fast-check builds requests that are malformed at the transport level (percent-encoding of the
 * path and the query, Content-Encoding, charset, Content-Type, control characters, lone
 * surrogates, numbers beyond every column's range) and in their bodies, and sends each both
 * through the gateway and straight to the service. Property: never a 5xx, and every 4xx is
 * problem+json. Backup runs without its SFTP copy here (the sshd harness is tests/e2e/backup-*).
 */

const SEED = 20261201;
const RUNS = Number(process.env['ECAR_FUZZ_RUNS'] ?? 3000);

interface Field {
  name: string;
  type: string;
}

interface Target {
  service: string;
  method: string;
  /** The path template, with `:name` parameters. */
  path: string;
  directUrl: string;
  query: Field[];
  body: Field[];
  raw: boolean;
}

type Json = Record<string, unknown>;

/** Field names and JSON types of a zod schema (objects, unions and intersections of objects). */
function fieldsOf(schema: z.ZodType | undefined): Field[] {
  if (!schema) return [];
  const fields = new Map<string, string>();
  const visit = (node: Json) => {
    for (const [name, property] of Object.entries((node['properties'] ?? {}) as Record<string, Json>)) {
      fields.set(name, String(property['type'] ?? (property['anyOf'] ? 'mixed' : 'string')));
    }
    for (const key of ['anyOf', 'oneOf', 'allOf']) for (const inner of (node[key] ?? []) as Json[]) visit(inner);
  };
  visit(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json);
  return [...fields].map(([name, type]) => ({ name, type }));
}

const GENERIC_FIELDS: Field[] = ['email', 'password', 'displayName', 'role', 'code', 'token', 'refreshToken', 'note', 'actor', 'subject', 'type', 'cursor', 'limit', 'offset', 'from', 'to', 'ip'].map((name) => ({
  name,
  type: ['limit', 'offset'].includes(name) ? 'integer' : 'string',
}));

function targetsOf(stack: ApiStack): Target[] {
  return stack.routeTables.flatMap(({ service, url, routes }) =>
    routes.map((route: Route): Target => ({
      service,
      method: route.method.toUpperCase(),
      path: route.path,
      directUrl: url,
      query: fieldsOf(route.query),
      body: fieldsOf(route.body),
      raw: route.raw !== undefined,
    })),
  );
}

/** Percent-encodes any JS string, lone surrogates included (as their WTF-8 bytes: invalid UTF-8). */
function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    const unit = char.codePointAt(0)!;
    if (unit >= 0xd800 && unit <= 0xdfff) out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(char);
  }
  return out;
}

const CONTROL = fc.integer({ min: 0, max: 0x9f }).filter((code) => code < 0x20 || code >= 0x7f).map((code) => String.fromCharCode(code));
const LONE_SURROGATE = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
/** Text that mixes ordinary characters with controls and lone surrogates. */
const HOSTILE_TEXT = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.oneof(CONTROL, LONE_SURROGATE), fc.string({ maxLength: 10 })).map((parts) => parts.join('')),
  fc.constantFrom("' OR '1'='1", '<script>alert(1)</script>', '${jndi:ldap://x}', '../../etc/passwd', '🚗'.repeat(300), 'a'.repeat(5000), '{{7*7}}', 'null', ''),
);
/** Numbers as they appear on the wire, most beyond what a column or a double holds. */
const HOSTILE_NUMBER = fc.oneof(
  fc.constantFrom('9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '99999999999999999999', '2147483648', '-2147483649', '9007199254740993', '1e309', '-1e309', '1e-400', '-0', '0', '-1', '0x10', '1.5', 'NaN', 'Infinity', '１２'),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);
const MALFORMED_ESCAPE = fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4', '%ED%A0%80', '%FF%FE', '%C0%AF', '%F4%90%80%80', '%%');

/** A path segment on the wire: a UUID, a hostile value percent-encoded, or a malformed escape. */
const SEGMENT = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: HOSTILE_TEXT.map(percentEncode) },
  { weight: 2, arbitrary: HOSTILE_NUMBER.map(percentEncode) },
  { weight: 2, arbitrary: MALFORMED_ESCAPE },
  { weight: 1, arbitrary: fc.constantFrom('%00', '%0A', '%0D%0A', '%7F', '%C2%85', '%E2%80%AE', '..', '%2e%2e', 'a%2Fb', 'A%5Cb', ';x=1') },
);

/** A query-string component on the wire. */
const QUERY_VALUE = fc.oneof(HOSTILE_TEXT.map(percentEncode), HOSTILE_NUMBER.map(percentEncode), MALFORMED_ESCAPE, fc.uuid());

/** A JSON value as text; numbers may be literals no double holds. */
function jsonValueText(type: string): fc.Arbitrary<string> {
  const typed = type === 'integer' || type === 'number' ? HOSTILE_NUMBER.filter((text) => /^-?\d/.test(text) && !/^-?0x/.test(text) && text !== '１２') : HOSTILE_TEXT.map((text) => JSON.stringify(text));
  return fc.oneof(
    { weight: 4, arbitrary: typed },
    { weight: 2, arbitrary: HOSTILE_TEXT.map((text) => JSON.stringify(text)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constantFrom('null', 'true', '[]', '{}', '[[[[[[]]]]]]', '{"__proto__":{"role":"super-admin"}}') },
  );
}

function bodyText(fields: Field[]): fc.Arbitrary<Buffer> {
  const names = fields.length > 0 ? fields : GENERIC_FIELDS;
  const entry = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...names).chain((field) => jsonValueText(field.type).map((value) => `${JSON.stringify(field.name)}:${value}`)) },
    { weight: 1, arbitrary: fc.tuple(HOSTILE_TEXT, jsonValueText('string')).map(([key, value]) => `${JSON.stringify(key)}:${value}`) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(entry, { maxLength: 6 }).map((entries) => Buffer.from(`{${entries.join(',')}}`)) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":', 'null', '"text"', '[]', '1e999', '['.repeat(3000), '{"a":1,"a":2}').map((text) => Buffer.from(text)) },
    // Not UTF-8: lone continuation bytes, overlong forms, a UTF-16 body.
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), Buffer.from('{"a":"é"}', 'latin1')) },
  );
}

const CONTENT_TYPES = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16le',
  'application/json; charset=x-bogus',
  'application/json; charset="',
  'application/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/pdf',
  'image/png',
  'application/json, text/html',
);
/** How the body is encoded: as declared (a valid gzip), or a header that does not match the bytes. */
const ENCODINGS = fc.constantFrom('none', 'identity', 'gzip-valid', 'gzip', 'deflate', 'br', 'zstd', 'gzip, gzip', 'x-bogus', 'gzip-truncated');

interface FuzzRequest {
  target: Target;
  via: 'gateway' | 'direct';
  method: string;
  path: string;
  role: Role | 'none';
  headers: Record<string, string>;
  body: Buffer | undefined;
}

function requestFor(target: Target): fc.Arbitrary<Omit<FuzzRequest, 'target'>> {
  const params = target.path.split('/').filter((segment) => segment.startsWith(':')).length;
  const path = fc.array(SEGMENT, { minLength: params, maxLength: params }).map((values) => {
    let index = 0;
    return target.path.replace(/:[A-Za-z]+/g, () => values[index++]!);
  });
  const query = fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(target.query.length > 0 ? target.query : GENERIC_FIELDS)).map((field) => field.name) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('__proto__', 'constructor[prototype]', 'a[b]', ''), QUERY_VALUE) }), QUERY_VALUE), { maxLength: 4 });
  const sendsBody = target.method !== 'GET';
  return fc.record({
    via: fc.constantFrom<'gateway' | 'direct'>('gateway', 'direct'),
    method: fc.oneof({ weight: 9, arbitrary: fc.constant(target.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') }),
    path: fc.tuple(path, query).map(([p, q]) => (q.length > 0 ? `${p}?${q.map(([k, v]) => `${k}=${v}`).join('&')}` : p)),
    role: fc.oneof({ weight: 6, arbitrary: fc.constant<Role | 'none'>('super-admin') }, { weight: 2, arbitrary: fc.constantFrom<Role | 'none'>('technician', 'customer', 'none') }),
    headers: fc.record({ contentType: target.raw ? fc.oneof(CONTENT_TYPES, fc.constant('application/pdf')) : fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: CONTENT_TYPES }), encoding: ENCODINGS }).map(({ contentType, encoding }) => ({ contentType, encoding })),
    body: sendsBody ? fc.option(target.raw ? fc.oneof(bodyText(target.body), fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(bytes)]))) : bodyText(target.body), { freq: 8 }) : fc.constant(null),
  }).map(({ via, method, path: fullPath, role, headers, body }) => {
    const outgoing: Record<string, string> = {};
    let bytes = body ?? undefined;
    if (bytes !== undefined) {
      outgoing['content-type'] = headers.contentType;
      if (headers.encoding === 'gzip-valid') {
        bytes = zlib.gzipSync(bytes);
        outgoing['content-encoding'] = 'gzip';
      } else if (headers.encoding === 'gzip-truncated') {
        bytes = zlib.gzipSync(bytes).subarray(0, 12);
        outgoing['content-encoding'] = 'gzip';
      } else if (headers.encoding !== 'none') outgoing['content-encoding'] = headers.encoding;
    }
    return { via, method, path: fullPath, role, headers: outgoing, body: bytes };
  });
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Sends the request byte for byte (fetch would normalise the path and refuse some of it). */
function send(base: string, request: FuzzRequest, token: string | undefined): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (request.body !== undefined) headers['content-length'] = request.body.length;
    const outgoing = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function describeRequest(request: FuzzRequest): string {
  return `${request.via} ${request.target.service} ${request.method} ${request.path.slice(0, 160)} ${JSON.stringify(request.headers)} ${request.body?.toString('utf8').slice(0, 120) ?? ''}`;
}

let stack: ApiStack;

describe('property-based fuzzing generated from the route tables (TST-1, APP-1)', () => {
  before(async () => {
    stack = await startApiStack('routefuzz');
  });
  after(async () => {
    await stack?.stop();
  });

  it('answers every malformed request on every route, through the gateway and directly, with a 4xx problem or a success — never a 5xx', async () => {
    const targets = targetsOf(stack);
    assert.ok(targets.length >= 40, `only ${targets.length} routes found`);
    const request = fc.constantFrom(...targets).chain((target) => requestFor(target).map((rest): FuzzRequest => ({ target, ...rest })));
    let sent = 0;
    const serverErrors: string[] = [];
    const notProblems: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (candidate) => {
        const base = candidate.via === 'gateway' ? stack.gateway.url : candidate.target.directUrl;
        const answer = await send(base, candidate, candidate.role === 'none' ? undefined : stack.token(candidate.role));
        sent += 1;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) serverErrors.push(`${answer.status} ← ${describeRequest(candidate)} → ${answer.body}`);
        else if (answer.status >= 400 && !/^application\/problem\+json/.test(answer.contentType)) notProblems.push(`${answer.status} ${answer.contentType} ← ${describeRequest(candidate)}`);
        return true;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    console.log(`route fuzz (seed ${SEED}): ${targets.length} routes, ${sent} requests sent, ${serverErrors.length} 5xx seen; statuses ${byStatus}`);
    assert.deepEqual(serverErrors.slice(0, 10), [], `${serverErrors.length} answers were 5xx`);
    assert.deepEqual(notProblems.slice(0, 10), [], `${notProblems.length} 4xx answers were not problem+json`);
    assert.ok((statuses.get(400) ?? 0) > RUNS / 10, 'the fuzzer reaches validation (400s), not only the front door');
  });

  it('every service is still healthy after the barrage', async () => {
    for (const url of [stack.gateway.url, stack.auth.url, stack.audit.url, stack.backup.url, stack.garage.url, stack.billing.url]) {
      const response = await fetch(`${url}/health/live`);
      assert.equal(response.status, 200, url);
    }
    const me = await fetch(`${stack.gateway.url}/api/v1/customers?limit=1`, { headers: { authorization: `Bearer ${stack.token('super-admin')}` } });
    assert.equal(me.status, 200);
  });
});
