import http from 'node:http';
import https from 'node:https';
import { clientTlsOptions, type InternalTls } from './options.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * GET a JSON document from another deployable: over HTTPS with our client certificate when
 * `tls` is given (mutual TLS, ENC-6), plain HTTP otherwise (development on loopback).
 */
export function getJson(url: string, options: { tls?: InternalTls | undefined; timeoutMs?: number } = {}): Promise<unknown> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  if (options.tls && !secure) return Promise.reject(new Error(`${url}: internal TLS is configured, so the URL must be https`));
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).get(
      target,
      { ...(secure && options.tls ? clientTlsOptions(options.tls) : {}), timeout: options.timeoutMs ?? 3_000 },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) request.destroy(new Error(`${url}: answer larger than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if ((response.statusCode ?? 0) < 200 || (response.statusCode ?? 0) >= 300) {
            reject(new Error(`${url} answered ${response.statusCode}`));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error(`${url} did not answer JSON`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within ${options.timeoutMs ?? 3_000} ms`)));
    request.on('error', reject);
  });
}
