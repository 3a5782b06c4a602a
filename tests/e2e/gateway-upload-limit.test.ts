import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createHousehold, PDF, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

let stack: GarageStack;
let household: Household;
let admin: string;

/** Streams `bytes` to the gateway in 64 KiB writes (declared length or chunked), as a slow client would. */
function uploadThroughGateway(bytes: Buffer, declareLength: boolean): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(`${stack.gateway!.url}/api/v1/vehicles/${household.vehicleId}/documents`);
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${admin}`, 'content-type': 'application/pdf', ...(declareLength ? { 'content-length': bytes.length } : {}) };
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The client may still be sending when the answer comes: that is the case under test.
    request.on('error', reject);
    let offset = 0;
    const pump = () => {
      while (offset < bytes.length) {
        const chunk = bytes.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      request.end();
    };
    pump();
  });
}

describe('an upload over the document limit, through the gateway', () => {
  before(async () => {
    stack = await startGarageStack('upload-limit', { gateway: true });
    admin = stack.token('super-admin');
    household = await createHousehold(stack, admin);
  });
  after(async () => {
    await stack?.stop();
  });

  it("reaches the client as the service's 413 problem, not a 503, and does not trip the breaker", async () => {
    // Far over garage's limit (256 KiB in the test stack), within the gateway's own (10 MiB).
    const big = Buffer.concat([PDF, Buffer.alloc(9 * 1024 * 1024, 0x20)]);
    for (let attempt = 0; attempt < 6; attempt++) {
      const declareLength = attempt % 2 === 0;
      const answer = await uploadThroughGateway(big, declareLength);
      assert.equal(answer.status, 413, `attempt ${attempt} (${declareLength ? 'declared' : 'chunked'}): ${answer.status} ${answer.body}`);
      assert.match(answer.contentType, /^application\/problem\+json/);
      assert.equal((JSON.parse(answer.body) as { type: string }).type, 'urn:ecar:problem:payload-too-large');
    }
    assert.equal(stack.gateway!.upstreams.garage.breaker.opened, false, 'the breaker stayed closed');
    const stats = stack.gateway!.upstreams.garage.breaker.stats;
    assert.equal(stats.failures, 0, 'no 413 counted as an upstream failure');
    const fine = await uploadThroughGateway(Buffer.concat([PDF, Buffer.alloc(1024, 0x20)]), true);
    assert.equal(fine.status, 201, fine.body);
  });
});
