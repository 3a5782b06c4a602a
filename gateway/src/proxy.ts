import http from 'node:http';
import https from 'node:https';
import type { Request, Response } from 'express';
import CircuitBreaker from 'opossum';
import { badGateway, payloadTooLarge, serviceUnavailable } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import { clientTlsOptions, type InternalTls } from '@ecar/tls';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and everything a client must not be able to set inside. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const CLIENT_MAY_NOT_SET = /^(x-forwarded-|x-real-ip$|forwarded$|x-ecar-|x-internal-|x-user-|x-original-)/i;

export function forwardableRequestHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || CLIENT_MAY_NOT_SET.test(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Set by the gateway for the whole public API (IMP-1); a service's own value must not replace it. */
const EDGE_OWNED = new Set(['strict-transport-security']);

function forwardableResponseHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || EDGE_OWNED.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface UpstreamOptions {
  name: string;
  baseUrl: string;
  timeoutMs: number;
  resetMs: number;
  bodyLimitBytes: number;
  logger: Logger;
  /** Our client certificate and the internal CA: upstreams are reached over mutual TLS (ENC-6). */
  tls?: InternalTls | undefined;
}

/** The request each upstream response answers, for `discardUnreadBody`. */
const requestOf = new WeakMap<http.IncomingMessage, http.ClientRequest>();

class ClientAbort extends Error {}
class BodyTooLarge extends Error {}
/**
 * The upstream hung up while the body was still being sent (EPIPE, ECONNRESET) and before it
 * answered: it is up (it read the request and refused the rest), so this is no breaker failure.
 */
class BodyRefused extends Error {}

/**
 * One upstream service behind an opossum breaker. The breaker trips on connection failures and
 * timeouts (not on the service's own 4xx/5xx answers); while open, calls fail at once with 503.
 */
export class Upstream {
  readonly breaker: CircuitBreaker<[Request, Response, http.OutgoingHttpHeaders], http.IncomingMessage>;
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(private readonly options: UpstreamOptions) {
    this.base = new URL(options.baseUrl);
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    if (options.tls && this.base.protocol !== 'https:') throw new Error(`${options.name}: internal TLS is configured, so ${options.baseUrl} must be https`);
    this.agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000, ...(options.tls ? clientTlsOptions(options.tls) : {}) });
    this.breaker = new CircuitBreaker((req: Request, res: Response, headers: http.OutgoingHttpHeaders) => this.send(req, res, headers), {
      name: options.name,
      timeout: false,
      resetTimeout: options.resetMs,
      errorThresholdPercentage: 50,
      volumeThreshold: 3,
      rollingCountTimeout: 10_000,
      errorFilter: (error: unknown) => error instanceof ClientAbort || error instanceof BodyTooLarge || error instanceof BodyRefused,
    });
    this.breaker.on('open', () => options.logger.warn('circuit open', { upstream: options.name }));
    this.breaker.on('close', () => options.logger.info('circuit closed', { upstream: options.name }));
  }

  /** Sends the request and resolves with the upstream response once its headers arrive. */
  private send(req: Request, res: Response, headers: http.OutgoingHttpHeaders): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const transport = this.base.protocol === 'https:' ? https : http;
      const upstreamRequest = transport.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method: req.method,
          path: req.originalUrl,
          headers: { ...headers, host: this.base.host },
          agent: this.agent,
          timeout: this.options.timeoutMs,
        },
        (response) => {
          requestOf.set(response, upstreamRequest);
          resolve(response);
        },
      );
      upstreamRequest.on('timeout', () => upstreamRequest.destroy(new Error(`${this.options.name} did not answer within ${this.options.timeoutMs} ms`)));
      let bodySent = false;
      req.on('end', () => {
        bodySent = true;
      });
      upstreamRequest.on('error', (error: NodeJS.ErrnoException) => {
        const hungUpOnBody = !bodySent && received > 0 && (error.code === 'EPIPE' || error.code === 'ECONNRESET');
        reject(hungUpOnBody ? new BodyRefused(`${this.options.name} closed the connection during the request body`, { cause: error }) : error);
      });
      res.on('close', () => {
        if (!res.writableFinished) upstreamRequest.destroy(new ClientAbort('client went away'));
      });
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > this.options.bodyLimitBytes) {
          req.unpipe(upstreamRequest);
          upstreamRequest.destroy(new BodyTooLarge('body too large'));
        }
      });
      req.pipe(upstreamRequest);
    });
  }

  async forward(req: Request, res: Response, headers: http.OutgoingHttpHeaders): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.options.bodyLimitBytes) throw payloadTooLarge();
    let upstreamResponse: http.IncomingMessage;
    try {
      upstreamResponse = await this.breaker.fire(req, res, headers);
    } catch (error) {
      if (error instanceof BodyTooLarge) throw payloadTooLarge();
      if (error instanceof ClientAbort) return;
      if (error instanceof BodyRefused) {
        this.options.logger.warn('upstream refused the request body', { upstream: this.options.name, error: error.message });
        throw badGateway(`The ${this.options.name} service did not accept the request body`);
      }
      this.options.logger.warn('upstream unavailable', { upstream: this.options.name, error: (error as Error).message });
      throw serviceUnavailable(`The ${this.options.name} service is unavailable; try again shortly`, Math.ceil(this.options.resetMs / 1000));
    }
    res.status(upstreamResponse.statusCode ?? 502);
    for (const [name, value] of Object.entries(forwardableResponseHeaders(upstreamResponse.headers))) {
      if (value !== undefined) res.setHeader(name, value);
    }
    await new Promise<void>((resolve) => {
      upstreamResponse.pipe(res);
      upstreamResponse.on('end', () => {
        if (!req.complete) discardUnreadBody(req, upstreamResponse, this.options.bodyLimitBytes);
        resolve();
      });
      upstreamResponse.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', resolve);
    });
  }

  close(): void {
    this.breaker.shutdown();
    this.agent.destroy();
  }
}

/**
 * The upstream answered before the client finished sending (an early 413 or 4xx): the rest of the
 * body goes nowhere, so it is read and dropped. Left paused, the client would block on its
 * writes until a server timeout reset the connection instead of reading the answer it was sent.
 * Past the gateway's own body limit the connection is cut: nobody is owed an endless drain.
 */
function discardUnreadBody(req: Request, upstreamResponse: http.IncomingMessage, limitBytes: number): void {
  req.unpipe();
  // Half sent, the upstream request can never finish: its connection is not reused.
  requestOf.get(upstreamResponse)?.destroy();
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limitBytes) req.socket.destroy();
  });
  req.resume();
}
