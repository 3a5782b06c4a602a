/**
 * NET-2 (only 22, 80 and 443 reachable) and NET-5 at host level (SSH connection rate):
 * infra/firewall/nftables.conf is checked by nft, loaded into a throw-away network namespace,
 * read back as JSON, and probed over a veth pair from a second namespace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { requireBinary } from './support/binaries.ts';
import { createNamespace, link, settle } from './support/netns.ts';
import type { Namespace } from './support/netns.ts';

const RULESET = fileURLToPath(new URL('../../infra/firewall/nftables.conf', import.meta.url));
const PROBED_PORTS = [22, 80, 443, 3001, 3005, 5432, 5672, 8080, 8081, 9090, 15672];

type Json = Record<string, unknown>;

let host: Namespace;
let client: Namespace;
let listener: ChildProcess;
let hostAddress = '';
let ruleset: Json[] = [];

const LISTENER = `
const net = require('node:net');
const ports = ${JSON.stringify(PROBED_PORTS)};
let pending = ports.length;
for (const port of ports) {
  net.createServer((socket) => { socket.on('error', () => {}); socket.end('open'); }).listen(port, '0.0.0.0', () => { if (--pending === 0) console.log('ready'); });
}
setTimeout(() => process.exit(0), 60000);
`;

function probeScript(address: string, ports: number[], timeoutMs: number): string {
  return `
const net = require('node:net');
const probe = (port) => new Promise((resolve) => {
  const socket = net.connect({ host: '${address}', port });
  const timer = setTimeout(() => { socket.destroy(); resolve([port, 'filtered']); }, ${timeoutMs});
  socket.once('connect', () => { clearTimeout(timer); socket.destroy(); resolve([port, 'open']); });
  socket.once('error', (e) => { clearTimeout(timer); resolve([port, e.code === 'ECONNREFUSED' ? 'refused' : 'error:' + e.code]); });
});
(async () => {
  const sequential = ${ports.length > 1 && ports.every((port) => port === ports[0]) ? 'true' : 'false'};
  const results = [];
  if (sequential) for (const port of ${JSON.stringify(ports)}) results.push(await probe(port));
  else results.push(...await Promise.all(${JSON.stringify(ports)}.map(probe)));
  console.log(JSON.stringify(results));
})();
`;
}

function probe(ports: number[], timeoutMs = 1000): Array<[number, string]> {
  return JSON.parse(client.run([process.execPath, '-e', probeScript(hostAddress, ports, timeoutMs)])) as Array<[number, string]>;
}

function chain(name: string): Json {
  const found = ruleset.map((item) => item['chain'] as Json | undefined).find((c) => c?.['name'] === name);
  assert.ok(found, `chain ${name} missing`);
  return found;
}

function rules(chainName: string): Json[][] {
  return ruleset
    .map((item) => item['rule'] as Json | undefined)
    .filter((rule): rule is Json => rule?.['chain'] === chainName)
    .map((rule) => rule['expr'] as Json[]);
}

before(async () => {
  requireBinary('nft', 'nftables');
  host = createNamespace();
  client = createNamespace();
  await settle(host);
  await settle(client);
  hostAddress = link(host, client).addressA;
  host.run(['nft', '-f', RULESET]);
  ruleset = (JSON.parse(host.run(['nft', '-j', 'list', 'ruleset'])) as { nftables: Json[] }).nftables;
  listener = host.spawn([process.execPath, '-e', LISTENER]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('listener did not start')), 5000);
    listener.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    listener.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
});

after(() => {
  listener?.kill('SIGKILL');
  host?.close();
  client?.close();
});

describe('nftables ruleset (NET-2)', () => {
  test('nft accepts the file syntax', () => {
    const result = spawnSync(requireBinary('nft', 'nftables'), ['-c', '-f', RULESET], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  test('inbound and forwarded traffic are dropped by default; output is open', () => {
    assert.equal(chain('input')['policy'], 'drop');
    assert.equal(chain('input')['hook'], 'input');
    assert.equal(chain('forward')['policy'], 'drop');
    assert.equal(chain('output')['policy'], 'accept');
  });

  test('the input chain accepts only established traffic, loopback, ICMP and TCP 22/80/443', () => {
    const accepted = new Set<number>();
    for (const expr of rules('input')) {
      if (!expr.some((e) => 'accept' in e)) continue;
      const text = JSON.stringify(expr);
      const dport = expr
        .map((e) => e['match'] as Json | undefined)
        .find((m) => JSON.stringify(m?.['left'] ?? {}).includes('"field":"dport"'));
      if (dport) {
        assert.match(text, /"protocol":"tcp"/, `a non-TCP port is accepted: ${text}`);
        const right = dport['right'] as number | { set: number[] };
        for (const port of typeof right === 'number' ? [right] : right.set) accepted.add(port);
      } else if (/"key":"state"/.test(text)) {
        assert.match(text, /"right":\["established","related"\]/, `a state rule accepts more: ${text}`);
      } else if (/"key":"iif"/.test(text)) {
        assert.match(text, /"right":"lo"/, `an interface other than lo is trusted: ${text}`);
      } else {
        assert.match(text, /"protocol":"icmp"|"protocol":"icmpv6"|"icmpv6"|"icmp"/, `unexpected accept rule: ${text}`);
      }
    }
    assert.deepEqual([...accepted].sort((a, b) => a - b), [22, 80, 443]);
  });

  test('the forward chain lets in only connections DNATed from 80/443 (Docker cannot open more)', () => {
    const inbound = rules('forward').filter((expr) => expr.some((e) => 'accept' in e) && JSON.stringify(expr).includes('"dnat"'));
    assert.equal(inbound.length, 1);
    const text = JSON.stringify(inbound[0]);
    assert.match(text, /"field":"dport"/);
    assert.match(text, /"set":\[80,443\]/);
  });
});

describe('probed from another host (NET-2, NET-5)', () => {
  test('only 22, 80 and 443 answer; every other listening port is silently dropped', () => {
    const results = Object.fromEntries(probe(PROBED_PORTS));
    for (const port of PROBED_PORTS) {
      assert.equal(results[port], [22, 80, 443].includes(port) ? 'open' : 'filtered', `port ${port}`);
    }
  });

  test('the namespace is really filtering: loopback inside the host still reaches every port', () => {
    const script = probeScript('127.0.0.1', [5432, 8080], 1000);
    const results = Object.fromEntries(JSON.parse(host.run([process.execPath, '-e', script])) as Array<[number, string]>);
    assert.deepEqual(results, { 5432: 'open', 8080: 'open' });
  });

  test('a source that opens SSH connections too fast is dropped, and stays dropped', () => {
    const results = probe(Array.from({ length: 16 }, () => 22), 400).map(([, state]) => state);
    const firstDrop = results.indexOf('filtered');
    assert.ok(firstDrop >= 6, `dropped too early (attempt ${firstDrop + 1}): ${results.join(',')}`);
    assert.ok(firstDrop > 0 && firstDrop <= 12, `never rate-limited: ${results.join(',')}`);
    assert.ok(results.slice(firstDrop).every((state) => state === 'filtered'), `an abuser got back in: ${results.join(',')}`);
    assert.deepEqual(probe([443]), [[443, 'open']], 'HTTPS stays reachable for the same source');
  });
});
