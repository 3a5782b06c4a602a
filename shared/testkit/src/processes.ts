import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A TCP port that was free a moment ago (bind to 0, read it, release it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ChildService {
  name: string;
  child: ChildProcess;
  output: () => string;
}

export interface ChildOptions {
  /** A command prefix the process runs under, e.g. `nsenter -t PID -n --` (a network namespace); it must exec, not fork. */
  launcher?: readonly string[];
  /** How to tell the process is healthy when a plain `fetch(healthUrl)` cannot (mutual TLS, another network namespace). */
  ready?: () => Promise<boolean>;
}

/** Runs a deployable's real entry point (`src/main.ts`) as its own process and waits for health. */
export async function startChild(name: string, entry: string, env: NodeJS.ProcessEnv, healthUrl: string, timeoutMs = 60_000, options: ChildOptions = {}): Promise<ChildService> {
  const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
  const ready = options.ready ?? (async () => (await fetch(healthUrl, { signal: AbortSignal.timeout(1000) })).ok);
  const child = spawn(command!, [...prefix, '--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, LOG_SILENT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    try {
      if (await ready()) return { name, child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become healthy at ${healthUrl}:\n${output.slice(-4000)}`);
}

/** SIGTERM and the exit code (null if it had to be killed after `graceMs`). */
export async function terminate(service: ChildService, graceMs = 15_000): Promise<number | null> {
  if (service.child.exitCode !== null) return service.child.exitCode;
  const exited = new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code)));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
