/**
 * docker-compose.yml and the Node image recipe: linted (dclint, dockerfile-utils) and checked
 * for the production rules of ARCHITECTURE §10 — only nginx publishes ports, every daemon has
 * a health check and runs hardened, secrets come from files only, data stays in local volumes
 * (RES-1), the data stores sit on internal networks (NET-2), backups land in /backups (INC-4).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const DOCKER_DIR = join(ROOT, 'infra', 'docker');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string> | string[];
  secrets?: string[];
  networks?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  read_only?: boolean;
  security_opt?: string[];
  cap_drop?: string[];
  profiles?: string[];
  user?: string;
  privileged?: boolean;
  network_mode?: string;
  pid?: string;
}

interface Compose {
  name?: string;
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean } | null>;
  volumes: Record<string, { driver?: string; driver_opts?: Record<string, string> } | null>;
  secrets: Record<string, { file?: string; environment?: string }>;
}

const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as Compose;
const services = Object.entries(compose.services);
const daemons = services.filter(([, service]) => !service.profiles?.includes('tools'));
const NODE_DEPLOYABLES: Record<string, string> = {
  gateway: 'gateway',
  auth: 'services/auth',
  garage: 'services/garage',
  billing: 'services/billing',
  audit: 'services/audit',
  backup: 'services/backup',
  notify: 'services/notify',
};
/** Environment variables whose value would be a credential. */
const SECRET_NAME = /(PASSWORD|PASSPHRASE|SECRET|TOKEN|PRIVATE|_KEY|_KEYS|DATABASE_URL|DATABASE_MIGRATION_URL|AMQP_URL|DSN|KNOWN_HOSTS)(_FILE)?$/;

/** A value as Compose resolves it with an empty .env: `${NAME:-default}` becomes `default`. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

function environment(service: Service): Record<string, string> {
  if (Array.isArray(service.environment)) {
    return Object.fromEntries(service.environment.map((entry) => entry.split(/=(.*)/s).slice(0, 2) as [string, string]));
  }
  return service.environment ?? {};
}

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: ROOT, timeout: 25_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('linters', () => {
  test('dclint finds no problem in docker-compose.yml', () => {
    const result = run(join(BIN, 'dclint'), ['docker-compose.yml']);
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.output, /error|warning/i, result.output);
  });

  test('dockerfile-utils finds no problem in any Dockerfile', () => {
    const dockerfiles = readdirSync(DOCKER_DIR).filter((name) => name.startsWith('Dockerfile'));
    assert.ok(dockerfiles.length > 0);
    for (const name of dockerfiles) {
      const result = run(join(BIN, 'dockerfile-utils'), ['lint', join(DOCKER_DIR, name)]);
      assert.equal(result.status, 0, `${name}: ${result.output}`);
      assert.equal(result.output, '', `${name}: ${result.output}`);
    }
  });
});

describe('topology', () => {
  test('the production services are all there', () => {
    for (const name of ['nginx', 'gateway', 'auth', 'garage', 'billing', 'audit', 'backup', 'notify', 'postgres', 'rabbitmq', 'redis', 'prometheus', 'certbot']) {
      assert.ok(compose.services[name], `service ${name} missing`);
    }
    assert.match(withDefaults(compose.services['postgres']?.image ?? ''), /^postgres:15/);
    assert.match(withDefaults(compose.services['rabbitmq']?.image ?? ''), /^rabbitmq:3\.13$/, 'the management-less image');
  });

  test('every image reference is overridable and defaults to the official image (tests/deploy substitutes local builds)', () => {
    const officialImages: Record<string, RegExp> = {
      postgres: /^\$\{ECAR_POSTGRES_IMAGE:-postgres:15-bookworm\}$/,
      rabbitmq: /^\$\{ECAR_RABBITMQ_IMAGE:-rabbitmq:3\.13\}$/,
      nginx: /^\$\{ECAR_NGINX_IMAGE:-nginx:1\.27-alpine\}$/,
      prometheus: /^\$\{ECAR_PROMETHEUS_IMAGE:-prom\/prometheus:v2\.53\.0\}$/,
      redis: /^\$\{ECAR_REDIS_IMAGE:-redis:7-bookworm\}$/,
      certbot: /^\$\{ECAR_CERTBOT_IMAGE:-certbot\/certbot:v2\.11\.0\}$/,
    };
    for (const [name, pattern] of Object.entries(officialImages)) assert.match(compose.services[name]?.image ?? '', pattern, name);
    for (const name of Object.keys(NODE_DEPLOYABLES)) {
      assert.equal(compose.services[name]?.build?.args?.['NODE_IMAGE'], '${NODE_IMAGE:-node:20-bookworm-slim}', name);
    }
    // Compose v1 refuses a top-level name; the project name comes from COMPOSE_PROJECT_NAME.
    assert.equal(compose.name, undefined);
  });

  test('only nginx publishes ports, and only 80 and 443', () => {
    for (const [name, service] of services) {
      if (name === 'nginx') continue;
      assert.equal(service.ports, undefined, `${name} publishes ports`);
      assert.notEqual(service.network_mode, 'host', `${name} uses the host network`);
    }
    const published = (compose.services['nginx']?.ports ?? []).map((port) => withDefaults(port).split(':').slice(-2).join(':'));
    for (const port of compose.services['nginx']?.ports ?? []) assert.match(withDefaults(port), /^0\.0\.0\.0:/, 'every address of the VPS by default');
    assert.deepEqual(published.sort(), ['443:443', '80:80']);
  });

  test('the data stores and the services sit on internal networks only', () => {
    for (const network of ['app', 'data', 'monitoring']) assert.equal(compose.networks[network]?.internal, true, `${network} must be internal`);
    // auth (SMTP relay for verification and reset mails), audit (alert mails) and backup (SFTP)
    // also reach the allow-listed outside hosts through `egress`.
    for (const name of ['postgres', 'rabbitmq', 'redis', 'prometheus', 'garage', 'billing']) {
      for (const network of compose.services[name]?.networks ?? []) {
        assert.equal(compose.networks[network]?.internal, true, `${name} is on the non-internal network ${network}`);
      }
    }
    assert.deepEqual(compose.services['nginx']?.networks, ['edge'], 'nginx reaches the gateway only');
  });

  test('every Node deployable is built from the shared Dockerfile for its own entry point', () => {
    for (const [name, deployable] of Object.entries(NODE_DEPLOYABLES)) {
      const build = compose.services[name]?.build;
      assert.equal(build?.dockerfile, 'infra/docker/Dockerfile.node', name);
      assert.equal(build?.args?.['DEPLOYABLE'], deployable, name);
      assert.ok(existsSync(join(ROOT, deployable, 'src', 'main.ts')), `${deployable}/src/main.ts does not exist`);
      const env = environment(compose.services[name] ?? {});
      assert.equal(env['NODE_ENV'], 'production', name);
      assert.equal(env['HOST'], '0.0.0.0', `${name} must listen on its container network`);
    }
  });

  test('Prometheus scrapes exactly the compose services on the monitoring network', () => {
    const prometheus = parse(readFileSync(join(ROOT, 'infra', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    for (const scrape of prometheus.scrape_configs) {
      for (const target of scrape.static_configs.flatMap((s) => s.targets)) {
        const [host = '', port = ''] = target.split(':');
        if (host === 'localhost') continue;
        const service = compose.services[host];
        assert.ok(service, `scrape target ${target} is not a compose service`);
        assert.ok(service.networks?.includes('monitoring'), `${host} is not on the monitoring network`);
        if (NODE_DEPLOYABLES[host]) assert.equal(environment(service)['PORT'], port, `${host} port`);
      }
    }
  });
});

describe('hardening', () => {
  test('every long-running service has a health check and restarts unless stopped', () => {
    for (const [name, service] of daemons) {
      assert.ok(service.healthcheck?.test && service.healthcheck.test.length > 1 && !service.healthcheck.disable, `${name} has no health check`);
      assert.equal(service.restart, 'unless-stopped', name);
    }
    for (const name of Object.keys(NODE_DEPLOYABLES)) {
      assert.deepEqual(compose.services[name]?.healthcheck?.test, ['CMD', 'node', '/usr/local/lib/ecar/healthcheck.mjs']);
    }
    const healthcheck = readFileSync(join(DOCKER_DIR, 'healthcheck.mjs'), 'utf8');
    // Services: readiness over mutual TLS; the gateway (plain HTTP behind nginx): its deny-list fed.
    assert.match(healthcheck, /const path = gateway \? '\/health\/revocations' : '\/health\/ready';/);
  });

  test('every service drops privileges: no-new-privileges, never privileged, read-only root where it can', () => {
    for (const [name, service] of services) {
      assert.ok(service.security_opt?.includes('no-new-privileges:true'), `${name} lacks no-new-privileges`);
      assert.notEqual(service.privileged, true, `${name} is privileged`);
      assert.notEqual(service.pid, 'host', `${name} shares the host pid namespace`);
      assert.notEqual(service.user, 'root', `${name} runs as root`);
      for (const volume of service.volumes ?? []) assert.doesNotMatch(volume, /docker\.sock/, `${name} mounts the Docker socket`);
    }
    for (const [name, service] of daemons) assert.equal(service.read_only, true, `${name} has a writable root file system`);
    for (const name of Object.keys(NODE_DEPLOYABLES)) assert.deepEqual(compose.services[name]?.cap_drop, ['ALL'], name);
  });

  test('secrets are files under /run/secrets, never values in the environment or the repository', () => {
    for (const [name, service] of services) {
      const env = environment(service);
      for (const [key, value] of Object.entries(env)) {
        assert.doesNotMatch(String(value), /:\/\/[^/@\s]+:[^/@\s]+@/, `${name}.${key} carries credentials in a URL`);
        if (SECRET_NAME.test(key)) {
          assert.match(key, /_FILE$/, `${name}.${key} is a plaintext secret: use ${key}_FILE`);
          const secret = String(value).replace(/^\/run\/secrets\//, '');
          assert.notEqual(secret, value, `${name}.${key} must point into /run/secrets`);
          assert.ok(service.secrets?.includes(secret), `${name}.${key} names a secret the service does not mount`);
        }
      }
    }
    for (const [name, secret] of Object.entries(compose.secrets)) {
      assert.equal(secret.environment, undefined, `secret ${name} comes from an environment variable`);
      assert.match(secret.file ?? '', /^\$\{ECAR_SECRETS_DIR:-\/etc\/ecar\/secrets\}\//, `secret ${name} must live outside the repository`);
    }
    for (const [name, service] of services) {
      for (const secret of service.secrets ?? []) assert.ok(compose.secrets[secret], `${name} uses undeclared secret ${secret}`);
    }
  });

  test('billing and audit migrate as their schema owners: DATABASE_MIGRATION_URL from its own secret, also mounted by postgres (issue 12, finding 2)', () => {
    for (const name of ['billing', 'audit']) {
      const service = compose.services[name]!;
      assert.equal(environment(service)['DATABASE_MIGRATION_URL_FILE'], `/run/secrets/${name}_migration_database_url`, name);
      assert.ok(service.secrets?.includes(`${name}_migration_database_url`), `${name} mounts its migration secret`);
      assert.ok(compose.services['postgres']?.secrets?.includes(`${name}_migration_database_url`), `postgres reads ecar_${name}_owner's password from ${name}_migration_database_url`);
      for (const [other, peer] of services) {
        if (other !== name && other !== 'postgres') assert.ok(!peer.secrets?.includes(`${name}_migration_database_url`), `${other} must not mount ${name}_migration_database_url`);
      }
    }
  });

  test('data stays on the VPS: local named volumes, /backups for backups, config mounted read-only', () => {
    for (const [name, volume] of Object.entries(compose.volumes)) {
      assert.ok(!volume?.driver || volume.driver === 'local', `volume ${name} uses the ${volume?.driver} driver`);
    }
    assert.equal(withDefaults(compose.volumes['backups']?.driver_opts?.['device'] ?? ''), '/backups');
    assert.ok(compose.services['backup']?.volumes?.includes('backups:/backups'));
    assert.ok(compose.services['postgres']?.volumes?.some((volume) => volume.startsWith('pgdata:')));
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const [source = ''] = volume.split(':');
        if (source.startsWith('.') || source.startsWith('/') || source.startsWith('$')) {
          assert.match(volume, /:ro$/, `${name}: host path ${source} must be mounted read-only`);
        } else {
          assert.ok(source in compose.volumes, `${name}: volume ${source} is not declared`);
        }
      }
    }
  });
});

describe('image recipe (infra/docker/Dockerfile.node)', () => {
  const dockerfile = readFileSync(join(DOCKER_DIR, 'Dockerfile.node'), 'utf8');
  const stages = dockerfile.split(/^FROM /m);
  const runtime = stages.at(-1) ?? '';

  test('multi-stage, production dependencies only, non-root runtime, compiled JavaScript entry point', () => {
    assert.ok(stages.length >= 4, 'a compile stage, a dependency stage and a runtime stage');
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /^RUN .*node scripts\/deploy\/bundle\.mjs "\$\{DEPLOYABLE\}"$/m);
    assert.match(runtime, /^COPY --from=compile \/src\/\$\{DEPLOYABLE\}\/dist /m);
    assert.match(runtime, /^USER node$/m);
    assert.doesNotMatch(runtime.slice(runtime.indexOf('USER node')), /^USER root/m);
    assert.match(runtime, /ENTRYPOINT \["node", "\/usr\/local\/lib\/ecar\/start\.mjs"\]/);
    assert.doesNotMatch(runtime, /tsx/, 'no TypeScript at run time');
    assert.doesNotMatch(dockerfile, /^# syntax=/m, 'the classic builder (no BuildKit frontend from the internet)');
    assert.match(runtime, /^HEALTHCHECK /m);
  });

  test('the build context leaves out secrets, git history and local dependencies', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['**/node_modules', '.git', '.env', 'secrets', '*.key', '*.pem', 'tests']) assert.ok(ignored.includes(entry), `.dockerignore lacks ${entry}`);
  });

  test('the start script runs only a known deployable', () => {
    const start = readFileSync(join(DOCKER_DIR, 'start.mjs'), 'utf8');
    for (const deployable of Object.values(NODE_DEPLOYABLES)) assert.ok(start.includes(`'${deployable}'`), deployable);
    const result = spawnSync(process.execPath, [join(DOCKER_DIR, 'start.mjs')], { encoding: 'utf8', env: { ...process.env, ECAR_DEPLOYABLE: '../../etc' } });
    assert.equal(result.status, 64);
    assert.match(result.stderr, /ECAR_DEPLOYABLE must be one of/);
  });
});

describe('certificate renewal wiring (ENC-5)', () => {
  const certbotDir = join(ROOT, 'infra', 'certbot');

  test('the scripts parse, renewal reloads nginx after a deploy hook, and a timer runs it twice a day', () => {
    for (const script of ['lib.sh', 'renew.sh', 'issue.sh', 'roll-key.sh', 'deploy-hook.sh']) {
      const result = run('bash', ['-n', join(certbotDir, script)]);
      assert.equal(result.status, 0, `${script}: ${result.output}`);
    }
    const renew = readFileSync(join(certbotDir, 'renew.sh'), 'utf8');
    assert.match(renew, /certbot renew/);
    assert.match(renew, /--deploy-hook \/opt\/ecar-certbot\/deploy-hook\.sh/);
    assert.match(renew, /reload_nginx/);
    assert.match(readFileSync(join(certbotDir, 'lib.sh'), 'utf8'), /nginx -s reload/);
    assert.match(readFileSync(join(certbotDir, 'ecar-certbot.timer'), 'utf8'), /^OnCalendar=\*-\*-\* 03,15:17:00$/m);
    assert.ok(compose.services['certbot']?.volumes?.includes('./infra/certbot/deploy-hook.sh:/opt/ecar-certbot/deploy-hook.sh:ro'));
    assert.ok(compose.services['nginx']?.volumes?.includes('acme-webroot:/var/www/certbot:ro'));
    assert.ok(compose.services['certbot']?.volumes?.includes('acme-webroot:/var/www/certbot'));
  });
});
