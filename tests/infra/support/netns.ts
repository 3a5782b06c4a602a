/**
 * Throw-away network namespaces for firewall tests. Each namespace lives as long as the
 * `sleep` process that holds it; a veth pair joins two of them. The addresses come from
 * 198.18.0.0/15 (RFC 2544, benchmarking) and exist only inside these namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { requireBinary } from './binaries.ts';

export interface Namespace {
  pid: number;
  /** Runs a command inside the namespace and returns its output; throws on failure. */
  run(command: string[], input?: string): string;
  /** Starts a long-running command inside the namespace. */
  spawn(command: string[]): ChildProcess;
  close(): void;
}

export function createNamespace(): Namespace {
  const unshare = requireBinary('unshare', 'util-linux');
  const nsenter = requireBinary('nsenter', 'util-linux');
  const holder = spawn(unshare, ['--net', '--', 'sleep', '120'], { stdio: 'ignore' });
  if (!holder.pid) throw new Error('unshare --net failed: the test needs root (CAP_SYS_ADMIN)');
  const pid = holder.pid;
  const enter = (command: string[]) => ['-t', String(pid), '-n', '--', ...command];
  return {
    pid,
    run(command, input) {
      const result = spawnSync(nsenter, enter(command), { encoding: 'utf8', input, timeout: 20_000 });
      if (result.status !== 0) throw new Error(`${command.join(' ')} failed in netns ${pid}: ${result.stderr || result.error?.message}`);
      return result.stdout;
    },
    spawn(command) {
      return spawn(nsenter, enter(command), { stdio: ['ignore', 'pipe', 'pipe'] });
    },
    close() {
      holder.kill('SIGKILL');
    },
  };
}

/** Waits until the holder process has unshared (its namespace differs from ours). */
export async function settle(namespace: Namespace): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const mine = spawnSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }).stdout.trim();
    const theirs = spawnSync('readlink', [`/proc/${namespace.pid}/ns/net`], { encoding: 'utf8' }).stdout.trim();
    if (theirs && theirs !== mine) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`namespace holder ${namespace.pid} did not unshare its network`);
}

/** Joins two namespaces with a veth pair: `a` gets 198.18.0.1/30, `b` gets 198.18.0.2/30. */
export function link(a: Namespace, b: Namespace): { addressA: string; addressB: string } {
  requireBinary('ip', 'iproute2');
  a.run(['ip', 'link', 'add', 'veth-a', 'type', 'veth', 'peer', 'name', 'veth-b', 'netns', String(b.pid)]);
  a.run(['ip', 'addr', 'add', '198.18.0.1/30', 'dev', 'veth-a']);
  a.run(['ip', 'link', 'set', 'veth-a', 'up']);
  a.run(['ip', 'link', 'set', 'lo', 'up']);
  b.run(['ip', 'addr', 'add', '198.18.0.2/30', 'dev', 'veth-b']);
  b.run(['ip', 'link', 'set', 'veth-b', 'up']);
  b.run(['ip', 'link', 'set', 'lo', 'up']);
  return { addressA: '198.18.0.1', addressB: '198.18.0.2' };
}
