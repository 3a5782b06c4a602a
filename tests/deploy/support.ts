/**
 * Helpers of the deployment test (tests/deploy/compose.test.ts): running commands, Docker
 * Compose v1/v2 behind one function, and HTTPS calls through the published nginx with the
 * deployment's own domain as SNI and its certificate as the only trust anchor.
 */
import { spawn, spawnSync } from 'node:child_process';
import https from 'node:https';
import http from 'node:http';
import { createServer } from 'node:net';
import { createHash, type X509Certificate } from 'node:crypto';
import tls from 'node:tls';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; throws with its output when it fails (unless `allowFailure`). */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; allowFailure?: boolean; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const result = { status, stdout, stderr };
      if (status !== 0 && !options.allowFailure) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${status}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`));
      } else {
        resolve(result);
      }
    });
    // A command that exits before reading its (empty) input must not raise EPIPE later.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** `docker-compose` (v1, Debian's) when installed, else the `docker compose` plugin. */
export function composeCommand(): string[] {
  const v1 = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  if (v1.status === 0) return ['docker-compose'];
  return ['docker', 'compose'];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface EdgeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: Buffer;
}

export interface Edge {
  /** HTTPS through nginx: SNI and Host are the deployment's domain, trust is its certificate. */
  call(path: string, init?: { method?: string; json?: unknown; token?: string; headers?: Record<string, string>; body?: Buffer; contentType?: string }): Promise<EdgeResponse>;
  /** Plain HTTP on the published port 80 equivalent. */
  plain(path: string): Promise<EdgeResponse>;
  /**
   * A request whose body arrives slowly: the headers and the body's first bytes now, one more
   * byte a second (JSON whitespace, inside nginx's client_body_timeout), the rest at `finish()`.
   * The request stays in flight on its connection in the meantime.
   */
  slow(path: string, init: { method: string; json: Record<string, unknown>; token: string }): Promise<{ finish(): Promise<EdgeResponse>; abort(): void }>;
}

/** The certificate nginx presents for `servername` when a TLS 1.2 client offers only `cipher`. */
export function servedCertificate(options: { port: number; servername: string; cipher: string }): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: options.port, servername: options.servername, rejectUnauthorized: false, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: options.cipher });
    socket.setTimeout(10_000, () => socket.destroy(new Error('TLS handshake timeout')));
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      socket.end();
      if (certificate) resolve(certificate);
      else reject(new Error('no certificate presented'));
    });
    socket.once('error', reject);
  });
}

/** RFC 7469 pin of a certificate's key, as infra/certbot/spki-pins.sh prints it. */
export function spkiPin(certificate: X509Certificate): string {
  return `sha256/${createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`;
}

function collect(response: http.IncomingMessage): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        body = { raw: raw.toString('utf8').slice(0, 500) };
      }
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body, raw });
    });
  });
}

export function edge(options: { domain: string; httpsPort: number; httpPort: number; ca: string }): Edge {
  const agent = new https.Agent({ keepAlive: false, ca: options.ca, servername: options.domain });
  return {
    call(path, init = {}) {
      const headers: Record<string, string> = { host: options.domain, ...(init.headers ?? {}) };
      let body: Buffer | undefined = init.body;
      if (init.json !== undefined) {
        body = Buffer.from(JSON.stringify(init.json));
        headers['content-type'] = 'application/json';
      } else if (init.contentType) {
        headers['content-type'] = init.contentType;
      }
      if (init.token) headers['authorization'] = `Bearer ${init.token}`;
      if (body) headers['content-length'] = String(body.length);
      return new Promise((resolve, reject) => {
        const request = https.request(
          { host: '127.0.0.1', port: options.httpsPort, path, method: init.method ?? 'GET', headers, agent, servername: options.domain, timeout: 30_000 },
          (response) => collect(response).then(resolve, reject),
        );
        request.on('timeout', () => request.destroy(new Error(`timeout: ${init.method ?? 'GET'} ${path}`)));
        request.on('error', reject);
        request.end(body);
      });
    },
    async slow(path, init) {
      const padding = 900;
      const text = JSON.stringify(init.json);
      const head = Buffer.from(text.slice(0, 1));
      const tail = Buffer.from(text.slice(1));
      const length = head.length + padding + tail.length;
      let sent = 0;
      const request = https.request({
        host: '127.0.0.1',
        port: options.httpsPort,
        path,
        method: init.method,
        agent,
        servername: options.domain,
        headers: { host: options.domain, authorization: `Bearer ${init.token}`, 'content-type': 'application/json', 'content-length': String(length) },
      });
      const response = new Promise<EdgeResponse>((resolve, reject) => {
        request.on('response', (incoming) => collect(incoming).then(resolve, reject));
        request.on('error', reject);
      });
      response.catch(() => undefined);
      await new Promise<void>((resolve, reject) => request.write(head, (error) => (error ? reject(error) : resolve())));
      const trickle = setInterval(() => {
        if (sent < padding - 1) {
          sent += 1;
          request.write(' ');
        }
      }, 1000);
      trickle.unref();
      return {
        finish() {
          clearInterval(trickle);
          request.end(Buffer.concat([Buffer.alloc(padding - sent, ' '), tail]));
          return response;
        },
        /** A test that failed before `finish()` must not leave the connection open (the process would not exit). */
        abort() {
          clearInterval(trickle);
          request.destroy();
        },
      };
    },
    plain(path) {
      return new Promise((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port: options.httpPort, path, headers: { host: options.domain }, timeout: 10_000 }, (response) =>
          collect(response).then(resolve, reject),
        );
        request.on('timeout', () => request.destroy(new Error(`timeout: GET ${path}`)));
        request.on('error', reject);
        request.end();
      });
    },
  };
}
