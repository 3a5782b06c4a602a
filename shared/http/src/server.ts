import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '@ecar/logger';
import { answerClientError } from './input-guard.ts';

export interface RunningServer {
  server: http.Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `drainMs`), then closes the rest. */
  close(drainMs?: number): Promise<void>;
}

/**
 * Listens on plain HTTP, or with `tls` on HTTPS that requires a client certificate from the
 * internal CA (mutual TLS between the gateway and services, ENC-6).
 */
export async function listen(
  app: Express | http.RequestListener,
  port: number,
  host = '127.0.0.1',
  tls?: https.ServerOptions,
): Promise<RunningServer> {
  const server: http.Server = tls ? https.createServer(tls, app as http.RequestListener) : http.createServer(app as http.RequestListener);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    url: `${tls ? 'https' : 'http'}://${host}:${actualPort}`,
    async close(drainMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), drainMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

/**
 * SIGTERM/SIGINT drain and exit; unhandled rejections and uncaught exceptions are logged and end
 * the process (its state is unknown), after the same drain.
 */
export function installProcessHandlers(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason });
    const force = setTimeout(() => process.exit(exitCode || 1), 15_000);
    force.unref();
    try {
      await shutdown();
    } catch (error) {
      logger.error('shutdown failed', { error });
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection', { error });
    void stop('unhandledRejection', 1);
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error });
    void stop('uncaughtException', 1);
  });
}
