import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { parseInput, bigintString } from '@ecar/errors';
import { createLogger } from '@ecar/logger';
import { createServiceApp, listen, type RunningServer } from '../src/index.ts';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

let server: RunningServer;

function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function sendRaw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function assertProblem(answer: Answer, statuses: number[], what: string): void {
  assert.ok(statuses.includes(answer.status), `${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
  assert.match(answer.contentType, /^application\/problem\+json/, what);
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('the shared HTTP layer answers malformed transport with a 4xx problem (APP-1)', () => {
  before(async () => {
    const service = createServiceApp({ service: 'malformed-input-test', logger: createLogger({ service: 'malformed-input-test', level: 'error' }), readiness: [], isRawBody: (method, path) => method === 'POST' && path === '/uploads' });
    service.app.get('/things/:id', (req, res) => {
      res.json({ id: req.params['id'], query: req.query });
    });
    service.app.get('/events', (req, res) => {
      res.json(parseInput(z.object({ cursor: bigintString().optional() }).strict(), req.query, 'query'));
    });
    service.app.post('/things', (req, res) => {
      res.json({ body: req.body as unknown });
    });
    service.app.post('/uploads', (req, res) => {
      req.resume();
      req.on('end', () => res.status(201).json({ stored: true }));
    });
    service.seal();
    server = await listen(service.app, 0);
  });
  after(async () => {
    await server?.close(100);
  });

  it('refuses undecodable percent-encoding and control characters in the path with 400', async () => {
    for (const path of ['/things/%ZZ', '/things/%E0%A4%A', '/things/%ED%A0%80', '/things/%00', '/things/a%0Ab', '/things/%7F', '/things/%C2%85']) {
      assertProblem(await send('GET', path), [400], path);
    }
    assert.equal((await send('GET', '/things/caf%C3%A9')).status, 200);
  });

  it('refuses NUL, control characters and lone surrogates in query parameters', async () => {
    for (const query of ['q=%00', 'q=a%01b', 'q=%ED%A0%80', 'a%00=1', 'q=%1B%5B31m']) {
      assertProblem(await send('GET', `/things/x?${query}`), [400], query);
    }
    const fine = await send('GET', '/things/x?q=line%0Anext%09tab');
    assert.equal(fine.status, 200, fine.body);
  });

  it('refuses a numeric cursor outside the bigint range instead of handing it to the database', async () => {
    assertProblem(await send('GET', '/events?cursor=9223372036854775808'), [400], 'cursor 2^63');
    assertProblem(await send('GET', '/events?cursor=99999999999999999999'), [400], 'cursor 20 digits');
    assert.equal((await send('GET', '/events?cursor=9223372036854775807')).status, 200);
  });

  it('refuses a body that does not match its Content-Encoding, and unknown encodings', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      assertProblem(await send('POST', '/things', { ...JSON_HEADERS, 'content-encoding': encoding }, json({ a: 1 })), [400], encoding);
    }
    assertProblem(await send('POST', '/things', { ...JSON_HEADERS, 'content-encoding': 'gzip' }, zlib.gzipSync(json({ a: 1 })).subarray(0, 12)), [400], 'truncated gzip');
    assertProblem(await send('POST', '/things', { ...JSON_HEADERS, 'content-encoding': 'zstd' }, json({ a: 1 })), [415], 'zstd');
    assertProblem(await send('POST', '/uploads', { 'content-type': 'application/pdf', 'content-encoding': 'gzip' }, zlib.gzipSync(Buffer.from('%PDF-1.7'))), [415], 'encoded upload');
    const compressed = await send('POST', '/things', { ...JSON_HEADERS, 'content-encoding': 'gzip' }, zlib.gzipSync(json({ a: 1 })));
    assert.equal(compressed.status, 200, compressed.body);
  });

  it('refuses charsets other than UTF-8 and bytes that are not UTF-8', async () => {
    for (const charset of ['iso-8859-1', 'utf-16', 'x-unknown']) {
      assertProblem(await send('POST', '/things', { 'content-type': `application/json; charset=${charset}` }, json({ a: 'b' })), [400, 415], charset);
    }
    assertProblem(await send('POST', '/things', JSON_HEADERS, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), [400], 'invalid UTF-8');
  });

  it('refuses NUL, control characters and lone surrogates anywhere in a JSON body, keys included', async () => {
    for (const body of ['{"a":"\\u0000"}', '{"a":["x","\\ud800"]}', '{"a":{"b":"\\udc00x"}}', '{"\\u0007":1}', '{"a":"\\u001b[2J"}']) {
      assertProblem(await send('POST', '/things', JSON_HEADERS, Buffer.from(body)), [400], body);
    }
    const deep = '['.repeat(40) + ']'.repeat(40);
    assertProblem(await send('POST', '/things', JSON_HEADERS, Buffer.from(deep)), [400], 'nested 40 deep');
    const fine = await send('POST', '/things', JSON_HEADERS, json({ note: 'ligne 1\nligne 2\t🚗 é' }));
    assert.equal(fine.status, 200, fine.body);
  });

  it('answers a request Node cannot parse as HTTP with a problem too', async () => {
    const answer = await sendRaw('GET /things/x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /content-type: application\/problem\+json/i);
  });
});
