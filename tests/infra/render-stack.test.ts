/**
 * scripts/deploy/render-stack.ts without an engine: what it removes and translates for
 * `docker stack deploy`, on a small configuration and on docker-compose.yml + the swarm override
 * as Compose merges them. The deployment itself: tests/deploy/swarm.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { toStack } from '../../scripts/deploy/render-stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('render-stack: docker-compose.yml → a Swarm stack file', () => {
  test('drops what Swarm refuses or ignores, and translates tmpfs, shm_size, ports and secret owners', () => {
    const { stack, notes } = toStack(
      {
        services: {
          db: {
            image: 'postgres',
            depends_on: { other: { condition: 'service_healthy' } },
            restart: 'unless-stopped',
            security_opt: ['no-new-privileges:true'],
            tmpfs: ['/tmp:size=64m,mode=1777'],
            shm_size: '256m',
            ports: ['127.0.0.1:8443:443/tcp', { target: 80, published: 8080, host_ip: '127.0.0.1' }],
            secrets: [{ source: 'key' }],
          },
          tool: { image: 'certbot', profiles: ['tools'] },
        },
        secrets: { key: { file: '/etc/ecar/secrets/key' } },
      },
      { statFile: () => ({ uid: 999, gid: 998, mode: 0o100600 }), endpointMode: 'dnsrr' },
    );
    const services = stack['services'] as Record<string, Record<string, unknown>>;
    assert.equal(stack['version'], '3.9');
    assert.deepEqual(Object.keys(services), ['db'], 'the profiled one-shot tool is left out');
    const db = services['db']!;
    for (const key of ['depends_on', 'restart', 'security_opt', 'tmpfs', 'shm_size']) assert.equal(db[key], undefined, key);
    assert.deepEqual(db['volumes'], [
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: 64 * 1024 ** 2 } },
      { type: 'tmpfs', target: '/dev/shm', tmpfs: { size: 256 * 1024 ** 2 } },
    ]);
    assert.deepEqual(db['ports'], [
      { target: 443, published: 8443, protocol: 'tcp', mode: 'host' },
      { target: 80, published: 8080, mode: 'host' },
    ]);
    assert.deepEqual(db['secrets'], [{ uid: '999', gid: '998', mode: 0o600, source: 'key' }], 'the file\'s owner and mode, not root 0444');
    assert.equal(notes.filter((note) => note.includes('host address')).length, 2);
    assert.deepEqual(db['deploy'], { endpoint_mode: 'dnsrr' });
  });

  test('a service Swarm would have to build is refused', () => {
    assert.throws(() => toStack({ services: { gateway: { build: { context: '.' } } } }), /no image/);
  });

  test('docker-compose.yml with infra/swarm/stack.override.yml renders: replicas, placement, every secret with its file\'s mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecar-render-stack-'));
    try {
      const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
      const secretNames = [...compose.matchAll(/ECAR_SECRETS_DIR:-\/etc\/ecar\/secrets\}\/([\w.]+)/g)].map((match) => match[1]!);
      for (const name of secretNames) {
        writeFileSync(join(dir, name), 'x');
        chmodSync(join(dir, name), 0o400);
      }
      const required = [...new Set([...compose.matchAll(/\$\{(ECAR_[A-Z_]+):\?/g)].map((match) => match[1]!))];
      writeFileSync(join(dir, '.env'), [`ECAR_SECRETS_DIR=${dir}`, 'ECAR_IMAGE_REPOSITORY=registry.example.tn/ecar', 'ECAR_IMAGE_TAG=1.0.0', ...required.map((name) => `${name}=x`)].join('\n'));
      const result = spawnSync('node', ['--import', 'tsx', join(ROOT, 'scripts/deploy/render-stack.ts'), '--env-file', join(dir, '.env'), '-f', join(ROOT, 'docker-compose.yml'), '-f', join(ROOT, 'infra/swarm/stack.override.yml'), '--out', join(dir, 'stack.yml')], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const stack = parse(readFileSync(join(dir, 'stack.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };
      const replicas = Object.fromEntries(Object.entries(stack.services).map(([name, service]) => [name, (service['deploy'] as { replicas?: number } | undefined)?.replicas]));
      assert.deepEqual(
        { gateway: replicas['gateway'], garage: replicas['garage'], billing: replicas['billing'], audit: replicas['audit'] },
        { gateway: 2, garage: 2, billing: 2, audit: 2 },
      );
      const placement = (name: string) => JSON.stringify((stack.services[name]!['deploy'] as Record<string, unknown>)['placement']);
      for (const name of ['postgres', 'rabbitmq', 'redis', 'garage', 'backup']) assert.match(placement(name), /node\.labels\.ecar\.data == true/, name);
      assert.match(placement('nginx'), /node\.labels\.ecar\.edge == true/);
      assert.equal(stack.services['gateway']!['image'], 'registry.example.tn/ecar/gateway:1.0.0');
      for (const [name, service] of Object.entries(stack.services)) {
        assert.equal(service['build'], undefined, `${name}: no build`);
        assert.equal(service['depends_on'], undefined, `${name}: no depends_on`);
        for (const secret of (service['secrets'] as Array<Record<string, unknown>> | undefined) ?? []) assert.equal(secret['mode'], 0o400, `${name}: ${String(secret['source'])}`);
      }
      assert.equal(stack.services['certbot'], undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
