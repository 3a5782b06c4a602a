/**
 * Renders the Docker Swarm stack file from docker-compose.yml (docs/operations/scale-out.md):
 *
 *   node --import tsx scripts/deploy/render-stack.ts --env-file .env \
 *     -f docker-compose.yml -f infra/swarm/stack.override.yml --out /etc/ecar/stack.yml
 *   docker stack deploy -c /etc/ecar/stack.yml ecar
 *
 * Why a rendering step: `docker stack deploy` (Docker 20.10) validates against the Compose 3.x
 * schema, which has no `depends_on` conditions and no `profiles` — both in docker-compose.yml for
 * `docker compose up`. So the files are merged and interpolated by Compose itself
 * (`docker-compose config`), and this script only removes or translates what Swarm does not
 * take; it adds nothing of its own (replicas, placement, images: the override file):
 *
 * - `build`, `depends_on`, `restart`, `container_name` are dropped (Swarm starts every task at
 *   once and restarts by `deploy.restart_policy`; the services retry their database and broker);
 * - services with `profiles` (certbot, a one-shot tool) are left out;
 * - `tmpfs` and `shm_size` become tmpfs mounts (Swarm ignores both keys);
 * - `security_opt` is dropped: Swarm services cannot set no-new-privileges in Docker 20.10, so
 *   every node sets it daemon-wide ("no-new-privileges": true in /etc/docker/daemon.json);
 * - published ports become host-mode ports (nginx keeps seeing the client's address, which the
 *   routing mesh would replace); a host address is not expressible and is dropped with a note;
 * - `--endpoint-mode dnsrr` (kernels without IPVS, like this test machine's): DNS round robin
 *   instead of Swarm's virtual IPs, for every service;
 * - each secret a service mounts gets the owner and mode of its file on this host, as the bind
 *   mount of `docker compose` gives it (scripts/deploy/prepare-host.sh sets them per uid):
 *   Swarm's default, root 0444, would let every uid of the container read it.
 */
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';

type Dict = Record<string, unknown>;

const DROPPED = ['build', 'depends_on', 'restart', 'container_name', 'security_opt'] as const;

function bytes(size: string): number {
  const match = /^(\d+)([kmg]?)b?$/i.exec(size.trim());
  if (!match) throw new Error(`unreadable size: ${size}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function tmpfsMount(spec: string): Dict {
  const [target, options = ''] = spec.split(':');
  const size = options
    .split(',')
    .map((option) => option.split('='))
    .find(([name]) => name === 'size')?.[1];
  return { type: 'tmpfs', target, ...(size ? { tmpfs: { size: bytes(size) } } : {}) };
}

/** "127.0.0.1:8443:443/tcp" or a long-syntax entry → a host-mode port. */
function hostPort(port: unknown, notes: string[]): Dict {
  if (typeof port === 'object' && port !== null) {
    const { host_ip: hostIp, ...rest } = port as Dict;
    if (hostIp) notes.push(`published port ${String(rest['published'])}: host address ${String(hostIp)} dropped (not expressible in a stack; the firewall restricts it)`);
    return { ...rest, mode: 'host' };
  }
  const [spec, protocol = 'tcp'] = String(port).split('/');
  const parts = spec!.split(':');
  const target = Number(parts.at(-1));
  const published = Number(parts.at(-2) ?? parts.at(-1));
  if (parts.length === 3) notes.push(`published port ${published}: host address ${parts[0]} dropped (not expressible in a stack; the firewall restricts it)`);
  return { target, published, protocol, mode: 'host' };
}

export interface StackOptions {
  /**
   * `dnsrr` on a kernel without IPVS (Swarm's virtual IPs need it): every service is then
   * reached through DNS round robin over its tasks' addresses instead of one virtual IP.
   */
  endpointMode?: 'vip' | 'dnsrr';
  statFile?: (path: string) => { uid: number; gid: number; mode: number };
}

export function toStack(config: Dict, options: StackOptions = {}): { stack: Dict; notes: string[] } {
  const statFile = options.statFile ?? statSync;
  const notes: string[] = [];
  const services = (config['services'] ?? {}) as Record<string, Dict>;
  const secrets = (config['secrets'] ?? {}) as Record<string, Dict>;
  const out: Record<string, Dict> = {};
  for (const [name, original] of Object.entries(services)) {
    if (original['profiles']) {
      notes.push(`${name}: left out (profiles ${JSON.stringify(original['profiles'])}: a one-shot tool, run with docker compose run on its node)`);
      continue;
    }
    const service: Dict = { ...original };
    if (!service['image']) throw new Error(`${name}: no image (Swarm does not build; the override file names the pushed image)`);
    for (const key of DROPPED) delete service[key];
    const mounts = [...((service['volumes'] as unknown[]) ?? [])];
    for (const spec of (original['tmpfs'] as string[] | string | undefined) ? [original['tmpfs']].flat() : []) mounts.push(tmpfsMount(String(spec)));
    delete service['tmpfs'];
    if (original['shm_size']) {
      mounts.push({ type: 'tmpfs', target: '/dev/shm', tmpfs: { size: bytes(String(original['shm_size'])) } });
      delete service['shm_size'];
    }
    if (mounts.length > 0) service['volumes'] = mounts;
    if (original['ports']) service['ports'] = (original['ports'] as unknown[]).map((port) => hostPort(port, notes));
    if (original['secrets']) {
      service['secrets'] = (original['secrets'] as Array<Dict | string>).map((entry) => {
        const reference: Dict = typeof entry === 'string' ? { source: entry } : { ...entry };
        const file = secrets[String(reference['source'])]?.['file'];
        if (typeof file !== 'string') throw new Error(`${name}: secret ${String(reference['source'])} has no file`);
        const stat = statFile(file);
        return { uid: String(stat.uid), gid: String(stat.gid), mode: stat.mode & 0o777, ...reference };
      });
    }
    if (options.endpointMode) service['deploy'] = { ...((service['deploy'] as Dict | undefined) ?? {}), endpoint_mode: options.endpointMode };
    out[name] = service;
  }
  const stack: Dict = { version: '3.9', services: out };
  for (const key of ['networks', 'volumes', 'secrets', 'configs']) if (config[key]) stack[key] = config[key];
  return { stack, notes };
}

function composeConfig(files: string[], envFile: string | undefined): Dict {
  const v1 = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).status === 0;
  const [command, ...prefix] = v1 ? ['docker-compose'] : ['docker', 'compose'];
  const args = [...prefix, ...(envFile ? ['--env-file', envFile] : []), ...files.flatMap((file) => ['-f', file]), 'config'];
  const result = spawnSync(command!, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return parse(result.stdout) as Dict;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'env-file': { type: 'string' }, file: { type: 'string', short: 'f', multiple: true }, out: { type: 'string' }, 'endpoint-mode': { type: 'string' } } });
  const files = values.file ?? ['docker-compose.yml', 'infra/swarm/stack.override.yml'];
  const endpointMode = values['endpoint-mode'];
  if (endpointMode !== undefined && endpointMode !== 'vip' && endpointMode !== 'dnsrr') throw new Error('--endpoint-mode is vip or dnsrr');
  const { stack, notes } = toStack(composeConfig(files, values['env-file']), endpointMode ? { endpointMode } : {});
  for (const note of notes) process.stderr.write(`[render-stack] ${note}\n`);
  const text = `# Rendered by scripts/deploy/render-stack.ts from ${files.join(' + ')}; do not edit.\n${stringify(stack, { lineWidth: 0 })}`;
  if (values.out) writeFileSync(values.out, text, { mode: 0o640 });
  else process.stdout.write(text);
}
