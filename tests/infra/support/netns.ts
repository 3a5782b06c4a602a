/**
 * Throw-away network namespaces for firewall and address tests. Each namespace lives as long as
 * the `sleep` process that holds it (and any process started in it); a veth pair joins two of
 * them, a bridge (`createLan`) several. The addresses come from 198.18.0.0/15 (RFC 2544,
 * benchmarking) and exist only inside these namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { requireBinary } from './binaries.ts';

export interface Namespace {
  pid: number;
  /** The command prefix that runs a program inside the namespace (for `startChild`). */
  launcher: readonly string[];
  /** Runs a command inside the namespace and returns its output; throws on failure. */
  run(command: string[], input?: string): string;
  /** Starts a long-running command inside the namespace. */
  spawn(command: string[]): ChildProcess;
  close(): void;
}

/** A new network namespace, held for `lifetimeSeconds` at most (it dies with its last process). */
export function createNamespace(lifetimeSeconds = 120): Namespace {
  const unshare = requireBinary('unshare', 'util-linux');
  const nsenter = requireBinary('nsenter', 'util-linux');
  const holder = spawn(unshare, ['--net', '--', 'sleep', String(lifetimeSeconds)], { stdio: 'ignore' });
  if (!holder.pid) throw new Error('unshare --net failed: the test needs root (CAP_SYS_ADMIN)');
  const pid = holder.pid;
  const enter = (command: string[]) => ['-t', String(pid), '-n', '--', ...command];
  return {
    pid,
    launcher: [nsenter, ...enter([])],
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

/** The first address of the bridged LAN of `createLan` (198.18.1.0/24, apart from `link`'s /30). */
const LAN_PREFIX = '198.18.1.';

export interface Lan {
  /** The namespace holding the bridge (the "switch"). */
  switch: Namespace;
  /** Each member's address, in the order given. */
  addresses: string[];
  close(): void;
}

/**
 * Puts `members` on one Ethernet segment: a bridge in a namespace of its own, a veth pair from it
 * to each member (`eth0` there, 198.18.1.<i + 1>/24). The members see each other by those
 * addresses only; none reaches the host's network, loopback included. Closing ends the switch;
 * each member's end of its cable goes with the member's namespace.
 */
export async function createLan(members: readonly Namespace[], lifetimeSeconds = 120): Promise<Lan> {
  requireBinary('ip', 'iproute2');
  const hub = createNamespace(lifetimeSeconds);
  await settle(hub);
  for (const member of members) await settle(member);
  hub.run(['ip', 'link', 'add', 'br0', 'type', 'bridge']);
  hub.run(['ip', 'link', 'set', 'br0', 'up']);
  const addresses = members.map((member, index) => {
    const port = `port${index}`;
    const address = `${LAN_PREFIX}${index + 1}`;
    hub.run(['ip', 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(member.pid)]);
    hub.run(['ip', 'link', 'set', port, 'master', 'br0']);
    hub.run(['ip', 'link', 'set', port, 'up']);
    member.run(['ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    member.run(['ip', 'link', 'set', 'eth0', 'up']);
    member.run(['ip', 'link', 'set', 'lo', 'up']);
    return address;
  });
  return { switch: hub, addresses, close: () => hub.close() };
}
