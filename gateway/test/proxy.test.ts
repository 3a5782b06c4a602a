import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createLogger } from '@ecar/logger';
import { Upstream, forwardableRequestHeaders } from '../src/proxy.ts';

const REFUSAL = JSON.stringify({ type: 'urn:ecar:problem:payload-too-large', status: 413 });
const MIB = 1024 * 1024;

/** A raw TCP upstream that answers 413 on the first bytes of a request and never reads again. */
const upstreamSockets = new Set<net.Socket>();
async function refusingUpstream(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    upstreamSockets.add(socket);
    socket.once('data', () => {
      socket.pause();
      socket.write(`HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(REFUSAL)}\r\n\r\n${REFUSAL}`);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}

interface Outcome {
  /** Every byte of the request was accepted (the last write's callback ran without error). */
  sent: boolean;
  /** What came back before the connection ended. */
  answer: string;
  error?: string;
}

/**
 * A raw client (so no HTTP client's own keep-alive handling is under test): sends the request in
 * 64 KiB writes, declared or chunked, then waits for the answer and the end of sending.
 */
function upload(port: number, bodyBytes: number, chunked: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const outcome: Outcome = { sent: false, answer: '' };
    let answered = false;
    const finish = () => {
      if (outcome.error !== undefined || (answered && outcome.sent)) {
        socket.destroy();
        resolve(outcome);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      outcome.answer += chunk.toString('utf8');
      if (outcome.answer.includes(REFUSAL) || outcome.answer.includes('"status":')) answered = true;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      outcome.error = error.code ?? error.message;
      finish();
    });
    socket.on('close', () => {
      outcome.error ??= 'closed';
      finish();
    });
    socket.write(`POST /upload HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pdf\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bodyBytes}`}\r\n\r\n`);
    const piece = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const pump = () => {
      while (written < bodyBytes) {
        written += piece.length;
        const frame = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        const last = written >= bodyBytes;
        const done = (error?: Error | null) => {
          if (last && !error) {
            outcome.sent = true;
            finish();
          }
        };
        const flushed = socket.write(last && chunked ? Buffer.concat([frame, Buffer.from('0\r\n\r\n')]) : frame, done);
        if (!flushed && !last) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

describe('a body the upstream refuses before reading it', () => {
  let upstreamServer: net.Server;
  let gateway: http.Server;
  let upstream: Upstream;
  let port: number;

  before(async () => {
    upstreamServer = await refusingUpstream();
    upstream = new Upstream({
      name: 'refusing',
      baseUrl: `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`,
      timeoutMs: 60_000,
      resetMs: 30_000,
      bodyLimitBytes: 40 * MIB,
      logger: createLogger({ service: 'gateway-test', silent: true }),
    });
    const app = express();
    app.post('/upload', (req, res, next) => {
      upstream.forward(req, res, forwardableRequestHeaders(req.headers)).catch(next);
    });
    gateway = http.createServer(app);
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', () => resolve()));
    port = (gateway.address() as AddressInfo).port;
  });
  after(async () => {
    upstream.close();
    gateway.closeAllConnections();
    for (const socket of upstreamSockets) socket.destroy();
    await Promise.all([new Promise((resolve) => gateway.close(resolve)), new Promise((resolve) => upstreamServer.close(resolve))]);
  });

  // Far more than the loopback socket buffers hold: a gateway that stopped reading would leave
  // the client blocked on its writes until a server timeout reset it (what CI once saw).
  for (const chunked of [false, true]) {
    it(`is read and dropped, so the client finishes sending and gets the upstream's answer (${chunked ? 'chunked' : 'declared length'})`, { timeout: 30_000 }, async () => {
      const outcome = await upload(port, 24 * MIB, chunked);
      assert.equal(outcome.error, undefined, `the connection failed: ${outcome.error}`);
      assert.equal(outcome.sent, true);
      assert.match(outcome.answer, /^HTTP\/1\.1 413 /);
      assert.ok(outcome.answer.includes(REFUSAL), outcome.answer);
      assert.equal(upstream.breaker.stats.failures, 0, 'an early refusal is no upstream failure');
    });
  }

  it('is cut, not drained forever, once it passes the gateway limit', { timeout: 30_000 }, async () => {
    const outcome = await upload(port, 80 * MIB, true);
    assert.equal(outcome.sent, false, 'the gateway stopped taking the body');
    assert.match(outcome.answer, /^HTTP\/1\.1 413 /, 'after the answer it had already sent');
    assert.notEqual(outcome.error, undefined);
  });
});
