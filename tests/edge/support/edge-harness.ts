/**
 * A real nginx, rendered from nginx/render.ts into a temporary directory, in front of a tiny
 * upstream that stands in for the gateway and records what it receives. As in production the
 * upstream listens with mutual TLS under a certificate named `gateway` from an internal CA, and
 * nginx verifies it and presents its own `nginx` certificate (finding 9 of issue 12).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';
import { PRODUCTION_NGINX_OPTIONS, renderNginxConfig } from '../../../nginx/render.ts';
import type { NginxRenderOptions } from '../../../nginx/render.ts';
import { requireBinary } from '../../infra/support/binaries.ts';

export const SERVER_NAME = 'ecar.test';

export interface Certificates {
  ecdsaCert: string;
  ecdsaKey: string;
  rsaCert: string;
  rsaKey: string;
  /** PEM text of both certificates, to trust them in clients. */
  ca: string[];
}

/** A self-signed ECDSA P-256 and RSA-2048 certificate for SERVER_NAME, made with openssl. */
export function makeCertificates(dir: string): Certificates {
  const openssl = requireBinary('openssl', 'openssl');
  const make = (name: string, keyArgs: string[]) => {
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    const result = spawnSync(
      openssl,
      ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${SERVER_NAME}`, '-addext', `subjectAltName=DNS:${SERVER_NAME}`],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`openssl req failed: ${result.stderr}`);
    return { cert, key };
  };
  const ecdsa = make('ecdsa', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
  const rsa = make('rsa', ['-newkey', 'rsa:2048']);
  return {
    ecdsaCert: ecdsa.cert,
    ecdsaKey: ecdsa.key,
    rsaCert: rsa.cert,
    rsaKey: rsa.key,
    ca: [readFileSync(ecdsa.cert, 'utf8'), readFileSync(rsa.cert, 'utf8')],
  };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The internal CA of the edge tests and the certificates issued from it (made once per process). */
export interface EdgePki {
  ca: Credential;
  gateway: Credential;
  nginx: Credential;
  /** Same CA, another service's name: nginx must refuse it as the gateway. */
  garage: Credential;
  /** Named `gateway`, but from a CA nginx does not trust. */
  rogueGateway: Credential;
}

let pki: EdgePki | undefined;
export function edgePki(): EdgePki {
  if (!pki) {
    const ca = createInternalCa('ECAR edge-test CA', 2);
    const names = { ipAddresses: ['127.0.0.1'] };
    pki = {
      ca,
      gateway: issueServiceCertificate(ca, { name: 'gateway', ...names }),
      nginx: issueServiceCertificate(ca, { name: 'nginx', ...names }),
      garage: issueServiceCertificate(ca, { name: 'garage', ...names }),
      rogueGateway: issueServiceCertificate(createInternalCa('rogue CA', 2), { name: 'gateway', ...names }),
    };
  }
  return pki;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header list, to see duplicates that `headers` would merge. */
  rawHeaders: string[];
  remoteAddress: string;
  /** Common name of the client certificate the upstream verified (nginx's), if any. */
  clientCertificate: string | undefined;
}

export interface Upstream {
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Stands in for the gateway. It answers 404 under /api/v1/missing, 500 under /api/v1/broken,
 * and otherwise 200 with the request echoed; every answer carries the headers helmet would
 * set, so the test can prove nginx alone decides the browser-facing values.
 */
export async function startUpstream(identity: Credential | 'plain' = edgePki().gateway): Promise<Upstream> {
  const requests: RecordedRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    const socket = req.socket as Partial<TLSSocket>;
    const peer = socket.encrypted && socket.authorized && socket.getPeerCertificate ? socket.getPeerCertificate().subject?.CN : undefined;
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      remoteAddress: req.socket.remoteAddress ?? '',
      clientCertificate: typeof peer === 'string' ? peer : undefined,
    };
    requests.push(recorded);
    req.resume();
    req.on('end', () => {
      const status = recorded.url.startsWith('/api/v1/missing') ? 404 : recorded.url.startsWith('/api/v1/broken') ? 500 : 200;
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-powered-by': 'Express',
        'x-frame-options': 'SAMEORIGIN',
        'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'",
        'strict-transport-security': 'max-age=60',
        'x-request-id': 'set-by-upstream',
      });
      res.end(JSON.stringify({ url: recorded.url }));
    });
  };
  // Like the production gateway: mutual TLS from the internal CA only (shared/tls serverTlsOptions).
  const server =
    identity === 'plain'
      ? http.createServer(handler)
      : https.createServer({ cert: identity.certPem, key: identity.keyPem, ca: edgePki().ca.certPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RunningNginx {
  dir: string;
  options: NginxRenderOptions;
  config: string;
  certificates: Certificates;
  stderr(): string;
  stop(): Promise<void>;
}

function nginxVersion(binary: string): [number, number, number] {
  const out = spawnSync(binary, ['-v'], { encoding: 'utf8' }).stderr;
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!match) throw new Error(`cannot read the nginx version from: ${out}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

async function waitForPort(port: number, child: ChildProcess, logs: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${logs()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms:\n${logs()}`);
}

/**
 * Renders the production template with loopback ports, test certificates and temp paths and
 * starts nginx in the foreground. Everything else (headers, ciphers, zones) is production's.
 */
export async function startNginx(upstreamPort: number, overrides: Partial<NginxRenderOptions> = {}): Promise<RunningNginx> {
  const binary = requireBinary('nginx', 'nginx');
  const dir = mkdtempSync(join(tmpdir(), 'ecar-edge-'));
  const certificates = makeCertificates(dir);
  const internal = edgePki();
  writeFileSync(join(dir, 'internal-ca.crt'), internal.ca.certPem);
  writeFileSync(join(dir, 'nginx-client.crt'), internal.nginx.certPem);
  writeFileSync(join(dir, 'nginx-client.key'), internal.nginx.keyPem, { mode: 0o600 });
  mkdirSync(join(dir, 'temp'));
  mkdirSync(join(dir, 'acme', '.well-known', 'acme-challenge'), { recursive: true });
  const [major, minor, patch] = nginxVersion(binary);
  const modernHttp2 = major > 1 || minor > 25 || (minor === 25 && patch >= 1);
  const options: NginxRenderOptions = {
    ...PRODUCTION_NGINX_OPTIONS,
    serverName: SERVER_NAME,
    listenAddress: '127.0.0.1',
    httpPort: await freePort(),
    httpsPort: await freePort(),
    statusPort: await freePort(),
    gatewayUpstream: `127.0.0.1:${upstreamPort}`,
    gatewayTls: { trustedCertificate: join(dir, 'internal-ca.crt'), certificate: join(dir, 'nginx-client.crt'), key: join(dir, 'nginx-client.key'), name: 'gateway' },
    certificates: [
      { certificate: certificates.ecdsaCert, key: certificates.ecdsaKey },
      { certificate: certificates.rsaCert, key: certificates.rsaKey },
    ],
    // Stapling stays on: with a self-signed certificate nginx only warns and staples nothing.
    trustedChain: certificates.ecdsaCert,
    resolver: '127.0.0.1',
    acmeWebroot: join(dir, 'acme'),
    adminAllow: ['127.0.0.2', '127.0.0.7/32'],
    // The test runs as root; workers must be able to read the 0700 temp directory.
    user: 'root',
    pidFile: join(dir, 'nginx.pid'),
    errorLog: 'stderr',
    accessLog: join(dir, 'access.log'),
    tempDir: join(dir, 'temp'),
    http2: modernHttp2 ? 'directive' : 'listen-flag',
    ...overrides,
  };
  const config = renderNginxConfig(options);
  const configPath = join(dir, 'nginx.conf');
  writeFileSync(configPath, config);
  const child = spawn(binary, ['-c', configPath, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(options.httpsPort, child, () => stderr);
    await waitForPort(options.httpPort, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, options, config, certificates, stderr: () => stderr, stop };
}

export interface EdgeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface EdgeRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address of the client socket (e.g. 127.0.0.2 for the admin allow-list). */
  localAddress?: string;
  /** A keep-alive agent for floods; by default every request opens its own connection. */
  agent?: https.Agent;
}

function collect(res: http.IncomingMessage): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      body += chunk;
    });
    res.on('error', reject);
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body }));
  });
}

export function httpsRequest(nginx: RunningNginx, request: EdgeRequest): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: nginx.options.httpsPort,
        servername: SERVER_NAME,
        ca: nginx.certificates.ca,
        method: request.method ?? 'GET',
        path: request.path,
        headers: { host: SERVER_NAME, ...request.headers },
        agent: request.agent ?? false,
        ...(request.localAddress ? { localAddress: request.localAddress } : {}),
      },
      (res) => collect(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

export function httpRequest(nginx: RunningNginx, request: EdgeRequest & { port?: number; host?: string }): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: request.port ?? nginx.options.httpPort,
        method: request.method ?? 'GET',
        path: request.path,
        headers: { host: request.host ?? SERVER_NAME, ...request.headers },
        agent: false,
      },
      (res) => collect(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/**
 * Sends `path` from one source address over kept-alive connections, `concurrency` at a time,
 * until nginx answers 429 or `limit` requests were sent. Returns every status in order.
 */
export async function floodUntilLimited(nginx: RunningNginx, path: string, localAddress: string, limit: number, concurrency = 20): Promise<number[]> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, localAddress });
  const statuses: number[] = [];
  try {
    while (statuses.length < limit && !statuses.includes(429)) {
      const batch = await Promise.all(Array.from({ length: concurrency }, () => httpsRequest(nginx, { path, localAddress, agent })));
      statuses.push(...batch.map((response) => response.status));
    }
  } finally {
    agent.destroy();
  }
  return statuses;
}
