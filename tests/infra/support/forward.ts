/**
 * Byte forwarders across network namespaces. A process in a namespace of its own cannot reach the
 * host's loopback (where PostgreSQL, RabbitMQ and Redis listen), and the test process cannot reach
 * the namespace's addresses; both see the same file system, so a Unix socket is the way through:
 * one side listens on TCP and forwards to a socket, the other listens on the socket and forwards to
 * TCP. The test runs its side in process (`forward`); the namespace side runs this file with
 * `nsenter` (`node --import tsx forward.ts LISTEN=TARGET ...`, endpoints `tcp:HOST:PORT` or
 * `unix:PATH`), which prints `ready` once every listener is up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export type Endpoint = { host: string; port: number } | { path: string };

export function endpoint(text: string): Endpoint {
  const tcp = /^tcp:(.+):(\d+)$/.exec(text);
  if (tcp) return { host: tcp[1]!, port: Number(tcp[2]) };
  if (text.startsWith('unix:')) return { path: text.slice(5) };
  throw new Error(`not an endpoint: ${text} (tcp:HOST:PORT or unix:PATH)`);
}

export function describeEndpoint(value: Endpoint): string {
  return 'path' in value ? `unix:${value.path}` : `tcp:${value.host}:${value.port}`;
}

export interface Forwarder {
  /** The TCP port listened on (0 for a Unix socket). */
  port: number;
  close(): Promise<void>;
}

/** Accepts on `listen` and pipes each connection to a new one to `target`. TCP port 0 picks a free one. */
export async function forward(listen: Endpoint, target: Endpoint): Promise<Forwarder> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((incoming) => {
    const outgoing = 'path' in target ? net.connect(target.path) : net.connect(target.port, target.host);
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => {
        incoming.destroy();
        outgoing.destroy();
        sockets.delete(socket);
      });
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  if ('path' in listen) rmSync(listen.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in listen) server.listen(listen.path, () => resolve());
    else server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if ('path' in listen) rmSync(listen.path, { force: true });
    },
  };
}

const SELF = fileURLToPath(import.meta.url);

/**
 * Runs the forwarders `pairs` (LISTEN → TARGET) as one process under `launcher` (e.g. a
 * namespace's `nsenter` prefix) and resolves once they listen. Stop it with SIGTERM.
 */
export async function forwardIn(launcher: readonly string[], pairs: ReadonlyArray<readonly [Endpoint, Endpoint]>): Promise<ChildProcess> {
  const [command, ...prefix] = [...launcher, process.execPath];
  const args = pairs.map(([listen, target]) => `${describeEndpoint(listen)}=${describeEndpoint(target)}`);
  const child = spawn(command!, [...prefix, '--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`forwarder exited with ${code}: ${output.slice(-2000)}`)));
  });
  return child;
}

if (process.argv[1] === SELF) {
  const pairs = process.argv.slice(2).map((pair) => {
    const [listen, target] = pair.split('=');
    if (!listen || !target) throw new Error(`expected LISTEN=TARGET, got ${pair}`);
    return [endpoint(listen), endpoint(target)] as const;
  });
  const forwarders = await Promise.all(pairs.map(([listen, target]) => forward(listen, target)));
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void Promise.all(forwarders.map((forwarder) => forwarder.close())).then(() => process.exit(0)));
}
