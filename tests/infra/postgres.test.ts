/**
 * infra/postgres against a real, throw-away PostgreSQL cluster: the container's init script
 * (initdb.d/10-ecar-roles.sh → init.sql) creates one database and one least-privilege role per
 * service, and pg_hba.conf + ssl=on admit only TLS + SCRAM (ENC-6, ARCHITECTURE §2, AUD-5).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { requireBinary } from './support/binaries.ts';
import { freePort } from '../edge/support/edge-harness.ts';
import { AUDIT_RUNTIME_PRIVILEGES } from '../../services/audit/src/data/migrations.ts';

const INFRA = fileURLToPath(new URL('../../infra/postgres/', import.meta.url));
const SERVICES = ['auth', 'garage', 'billing', 'audit', 'backup', 'notify'] as const;
/** Services whose database and schema belong to a separate owner role (issue 12, finding 2). */
const OWNED = ['billing', 'audit'] as const;
const schemaOwner = (service: string) => ((OWNED as readonly string[]).includes(service) ? `ecar_${service}_owner` : `ecar_${service}`);

let dir = '';
let bin = '';
let port = 0;
let server: ChildProcess | undefined;
let serverLog = '';
const passwords: Record<string, string> = {};

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found: run `apt-get install -y postgresql` (listed in scripts/lib-system-deps.sh)');
  return join(root, newest, 'bin');
}

function asPostgres(command: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(requireBinary('runuser', 'util-linux'), ['-u', 'postgres', '--', ...command], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** psql over TCP as a service role; returns stdout or throws with the server's message. */
function psql(user: string, database: string, sql: string, sslmode = 'require'): string {
  const result = spawnSync(join(bin, 'psql'), ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: passwords[user] ?? 'wrong', PGSSLMODE: sslmode, PGCONNECT_TIMEOUT: '5' },
    timeout: 15_000,
  });
  if (result.status !== 0) throw new Error(result.stderr.trim());
  return result.stdout.trim();
}

/** Superuser queries over the local socket (peer authentication as the postgres OS user). */
function superuser(sql: string, database = 'postgres'): string {
  const result = asPostgres([join(bin, 'psql'), '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-d', database, '-c', sql]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

before(async () => {
  bin = postgresBin();
  const openssl = requireBinary('openssl', 'openssl');
  dir = mkdtempSync(join(tmpdir(), 'ecar-pg-'));
  chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  port = await freePort();

  const init = asPostgres([join(bin, 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '--auth-local=peer', '--auth-host=reject', '-E', 'UTF8']);
  assert.equal(init.status, 0, init.stderr);

  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  const made = spawnSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=postgres'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  for (const file of [cert, key]) chownSync(file, uidOf('postgres'), gidOf('postgres'));
  chmodSync(key, 0o600);

  // The same server options as docker-compose.yml, on a loopback port.
  server = spawn(
    requireBinary('runuser', 'util-linux'),
    ['-u', 'postgres', '--', join(bin, 'postgres'), '-D', join(dir, 'data'), '-p', String(port), '-k', dir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`,
      '-c', 'ssl_min_protocol_version=TLSv1.2', '-c', 'password_encryption=scram-sha-256', '-c', `hba_file=${join(INFRA, 'pg_hba.conf')}`],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    serverLog += chunk;
  });
  const deadline = Date.now() + 15_000;
  while (!serverLog.includes('ready to accept connections')) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start:\n${serverLog}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // Docker secrets as the services read them: one DATABASE_URL per service.
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  chownSync(secrets, uidOf('postgres'), gidOf('postgres'));
  const urls: Record<string, [string, string]> = {
    ...Object.fromEntries(SERVICES.map((service) => [`${service}_database_url`, [`ecar_${service}`, `ecar_${service}`]])),
    backup_dump_database_url: ['ecar_backup_reader', 'postgres'],
    backup_drill_admin_url: ['ecar_backup_drill', 'postgres'],
    // The schema owners of billing and audit (issue 12, finding 2): their DATABASE_MIGRATION_URL.
    billing_migration_database_url: ['ecar_billing_owner', 'ecar_billing'],
    audit_migration_database_url: ['ecar_audit_owner', 'ecar_audit'],
  };
  for (const [file, [user, database]] of Object.entries(urls)) {
    const password = randomBytes(32).toString('hex');
    passwords[user] = password;
    writeFileSync(join(secrets, file), `postgres://${user}:${password}@postgres:5432/${database}?sslmode=verify-full\n`, { mode: 0o600 });
    chownSync(join(secrets, file), uidOf('postgres'), gidOf('postgres'));
  }
  const script = asPostgres(['bash', join(INFRA, 'initdb.d', '10-ecar-roles.sh')], {
    ECAR_SECRETS_DIR: secrets,
    ECAR_POSTGRES_INIT_SQL: join(INFRA, 'init.sql'),
    POSTGRES_USER: 'postgres',
    PGHOST: dir,
    PGPORT: String(port),
  });
  assert.equal(script.status, 0, `init script failed:\n${script.stderr}`);
});

after(async () => {
  if (server && server.exitCode === null) {
    // runuser does not pass signals on, so the cluster is stopped through pg_ctl.
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    asPostgres([join(bin, 'pg_ctl'), '-D', join(dir, 'data'), 'stop', '-m', 'immediate']);
    const timer = setTimeout(() => server?.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

function gidOf(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}

describe('databases and roles (least privilege)', () => {
  test('each service role reaches its own database over TLS with SCRAM', () => {
    for (const service of SERVICES) {
      const role = `ecar_${service}`;
      assert.equal(psql(role, role, 'SELECT current_user || \' \' || current_database() || \' \' || (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())'), `${role} ${role} true`);
    }
    const hashes = superuser("SELECT string_agg(DISTINCT left(rolpassword, 14), ',') FROM pg_authid WHERE rolname LIKE 'ecar_%'");
    assert.equal(hashes, 'SCRAM-SHA-256$');
  });

  test('no service role can open another service\'s database', () => {
    for (const service of SERVICES) {
      for (const other of SERVICES.filter((candidate) => candidate !== service)) {
        assert.throws(() => psql(`ecar_${service}`, `ecar_${other}`, 'SELECT 1'), /pg_hba\.conf rejects connection|permission denied/, `ecar_${service} → ecar_${other}`);
        assert.equal(superuser(`SELECT has_database_privilege('ecar_${service}', 'ecar_${other}', 'CONNECT')`), 'f');
      }
    }
  });

  test('PUBLIC has no privilege on any database and no right in the public schemas', () => {
    const open = superuser("SELECT string_agg(datname, ',') FROM pg_database WHERE datname <> 'template0' AND (datacl IS NULL OR array_to_string(datacl, ',') ~ '(^|,)=')");
    assert.equal(open, '', `databases open to PUBLIC: ${open}`);
    for (const service of SERVICES) {
      assert.equal(superuser("SELECT has_schema_privilege('public', 'public', 'CREATE') OR has_schema_privilege('public', 'public', 'USAGE')", `ecar_${service}`), 'f');
      assert.equal(superuser("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'", `ecar_${service}`), schemaOwner(service));
    }
  });

  test('service roles are not superusers and cannot create databases, roles or replicate', () => {
    const powerful = superuser("SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolname LIKE 'ecar_%' AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)");
    // The one exception: restore drills create scratch databases (INC-6), and nothing more.
    assert.equal(powerful, 'ecar_backup_drill');
    assert.equal(superuser("SELECT rolsuper OR rolcreaterole OR rolreplication OR rolbypassrls FROM pg_roles WHERE rolname = 'ecar_backup_drill'"), 'f');
    for (const service of SERVICES) assert.throws(() => psql('ecar_backup_drill', `ecar_${service}`, 'SELECT 1'), /permission denied/);
    assert.throws(() => psql('ecar_garage', 'ecar_garage', 'CREATE DATABASE stolen'), /permission denied/);
    assert.throws(() => psql('ecar_garage', 'ecar_garage', 'CREATE ROLE intruder'), /permission denied/);
  });

  test('the backup reader can read every service database and write none (AUD-5)', () => {
    psql('ecar_billing_owner', 'ecar_billing', 'CREATE TABLE invoices (id int PRIMARY KEY, total numeric); GRANT SELECT, INSERT ON invoices TO ecar_billing');
    psql('ecar_billing', 'ecar_billing', 'INSERT INTO invoices VALUES (1, 42.5)');
    for (const service of SERVICES) psql('ecar_backup_reader', `ecar_${service}`, 'SELECT 1');
    assert.equal(psql('ecar_backup_reader', 'ecar_billing', 'SELECT total FROM invoices'), '42.5');
    assert.throws(() => psql('ecar_backup_reader', 'ecar_billing', 'INSERT INTO invoices VALUES (2, 1)'), /read-only transaction|permission denied/);
    const dump = spawnSync(join(bin, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'ecar_backup_reader', '-d', 'ecar_billing', '--data-only', '-t', 'invoices'], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: passwords['ecar_backup_reader'], PGSSLMODE: 'require' },
    });
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, /42\.5/);
  });
});

describe('schema owners of billing and audit (issue 12, finding 2)', () => {
  test('the owner role owns the database and its schema; the runtime role may connect and use it, nothing more', () => {
    for (const service of OWNED) {
      const [runtime, owner, database] = [`ecar_${service}`, `ecar_${service}_owner`, `ecar_${service}`];
      assert.equal(psql(owner, database, 'SELECT current_user'), owner);
      assert.equal(superuser(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${database}'`), owner);
      assert.equal(superuser(`SELECT has_database_privilege('${runtime}', '${database}', 'CONNECT')::text || has_database_privilege('${runtime}', '${database}', 'CREATE')::text || has_database_privilege('${runtime}', '${database}', 'TEMP')::text`), 'truefalsefalse');
      assert.throws(() => psql(runtime, database, 'CREATE TABLE intruder (id int)'), /permission denied for schema public/, `${runtime} creates a table`);
      assert.throws(() => psql(runtime, database, 'CREATE SCHEMA intruder'), /permission denied for database/, `${runtime} creates a schema`);
      assert.throws(() => psql(runtime, 'postgres', `DROP DATABASE ${database}`), /pg_hba\.conf rejects connection|permission denied/);
      // An owner reaches its own database only.
      assert.throws(() => psql(owner, 'ecar_garage', 'SELECT 1'), /pg_hba\.conf rejects connection|permission denied/);
    }
    // A guarded table made by the migrations (as the owner): the runtime role cannot switch its trigger off.
    psql('ecar_audit_owner', 'ecar_audit', `CREATE TABLE guarded (id int);
      CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER guarded_refuse BEFORE DELETE ON guarded FOR EACH ROW EXECUTE FUNCTION refuse();
      GRANT SELECT, INSERT ON guarded TO ecar_audit`);
    assert.throws(() => psql('ecar_audit', 'ecar_audit', 'ALTER TABLE guarded DISABLE TRIGGER USER'), /must be owner of table guarded/);
    psql('ecar_audit_owner', 'ecar_audit', 'DROP TABLE guarded; DROP FUNCTION refuse()');
  });

  test('add-schema-owners.sh: a cluster where the runtime roles own their tables is handed to the owner roles, twice without change', () => {
    // The cluster as a version without schema owners left it: ecar_billing and ecar_audit own everything.
    for (const service of OWNED) {
      superuser(`REASSIGN OWNED BY ecar_${service}_owner TO ecar_${service}; DROP OWNED BY ecar_${service}_owner`, `ecar_${service}`);
      superuser(`DROP OWNED BY ecar_${service}_owner; DROP ROLE ecar_${service}_owner`);
    }
    // Partitioned by month as since issue 16: the partition must end up with the table's privileges.
    psql('ecar_audit', 'ecar_audit', `CREATE TABLE audit_events (seq bigserial, occurred_at timestamptz NOT NULL DEFAULT now(), action text, recorded_at timestamptz NOT NULL DEFAULT now()) PARTITION BY RANGE (recorded_at);
      CREATE TABLE audit_events_legacy PARTITION OF audit_events FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
      CREATE TABLE audit_chain_anchors (id bigserial PRIMARY KEY, first_seq bigint NOT NULL);
      CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$;
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
      INSERT INTO audit_events (action) VALUES ('before the upgrade')`);
    psql('ecar_billing', 'ecar_billing', `CREATE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'issued'; END $$;
      CREATE TRIGGER invoices_guard BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()`);
    // The finding, reproduced: the owner of a table may disable its guard.
    psql('ecar_audit', 'ecar_audit', 'ALTER TABLE audit_events DISABLE TRIGGER USER; ALTER TABLE audit_events ENABLE TRIGGER USER');
    psql('ecar_billing', 'ecar_billing', 'ALTER TABLE invoices DISABLE TRIGGER USER; ALTER TABLE invoices ENABLE TRIGGER USER');

    for (let run = 0; run < 2; run += 1) {
      const result = asPostgres(['bash', join(INFRA, 'add-schema-owners.sh')], { ECAR_SECRETS_DIR: join(dir, 'secrets'), PGHOST: dir, PGPORT: String(port) });
      assert.equal(result.status, 0, `run ${run + 1}: ${result.stderr}`);
    }
    for (const service of OWNED) {
      const [runtime, owner] = [`ecar_${service}`, `ecar_${service}_owner`];
      assert.equal(psql(owner, runtime, 'SELECT current_user'), owner, 'the owner signs in with the password of its DATABASE_MIGRATION_URL');
      assert.equal(superuser(`SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = '${owner}'`), 'f');
      assert.equal(superuser(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${runtime}'`), owner);
      assert.equal(superuser("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'", runtime), owner);
      const left = superuser(`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = '${runtime}'`, runtime);
      assert.equal(left, '0', `${runtime} still owns relations`);
      assert.equal(superuser(`SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = '${runtime}'`, runtime), '0');
      assert.throws(() => psql(runtime, runtime, 'CREATE TABLE intruder (id int)'), /permission denied for schema public/);
    }
    assert.throws(() => psql('ecar_audit', 'ecar_audit', 'ALTER TABLE audit_events DISABLE TRIGGER USER'), /must be owner of table audit_events/);
    assert.throws(() => psql('ecar_audit', 'ecar_audit', "SET ecar.audit_purge = 'on'; DELETE FROM audit_events"), /permission denied for table audit_events/);
    assert.throws(() => psql('ecar_audit', 'ecar_audit', 'DELETE FROM audit_events_legacy'), /permission denied for table audit_events_legacy/);
    assert.throws(() => psql('ecar_audit', 'ecar_audit', 'INSERT INTO audit_chain_anchors (first_seq) VALUES (1)'), /permission denied for table audit_chain_anchors/);
    psql('ecar_audit', 'ecar_audit', "INSERT INTO audit_events (action) VALUES ('after the upgrade')");
    assert.equal(psql('ecar_audit', 'ecar_audit', 'SELECT count(*) FROM audit_events'), '2');
    // What the script leaves is what the service grants at start (AUDIT_RUNTIME_PRIVILEGES).
    const checked = [...Object.entries(AUDIT_RUNTIME_PRIVILEGES).filter(([table]) => ['audit_events', 'audit_chain_anchors'].includes(table)), ['audit_events_legacy', AUDIT_RUNTIME_PRIVILEGES.audit_events] as const];
    for (const [table, kept] of checked) {
      for (const privilege of ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES']) {
        const has = superuser(`SELECT has_table_privilege('ecar_audit', '${table}', '${privilege}')`, 'ecar_audit');
        assert.equal(has, (kept as readonly string[]).includes(privilege) ? 't' : 'f', `ecar_audit ${privilege} on ${table}`);
      }
    }
    assert.throws(() => psql('ecar_billing', 'ecar_billing', 'ALTER TABLE invoices DISABLE TRIGGER USER'), /must be owner of table invoices/);
    assert.equal(psql('ecar_billing', 'ecar_billing', 'SELECT total FROM invoices WHERE id = 1'), '42.5');
    psql('ecar_billing', 'ecar_billing', 'INSERT INTO invoices VALUES (3, 7)');
    assert.throws(() => psql('ecar_billing', 'ecar_billing', 'DELETE FROM invoices WHERE id = 3'), /issued/);
  });
});

describe('upgrade of a cluster made before notify (infra/postgres/add-notify.sh)', () => {
  test('creates the notify role and database as init.sql does, and running it again changes nothing', () => {
    // The cluster as a version without notify left it.
    superuser('DROP DATABASE ecar_notify');
    superuser('DROP ROLE ecar_notify');
    assert.throws(() => psql('ecar_notify', 'ecar_notify', 'SELECT 1'), /password authentication failed|does not exist/);
    for (let run = 0; run < 2; run += 1) {
      const result = asPostgres(['bash', join(INFRA, 'add-notify.sh')], { ECAR_SECRETS_DIR: join(dir, 'secrets'), PGHOST: dir, PGPORT: String(port) });
      assert.equal(result.status, 0, `run ${run + 1}: ${result.stderr}`);
    }
    assert.equal(psql('ecar_notify', 'ecar_notify', 'SELECT current_user'), 'ecar_notify');
    assert.equal(superuser("SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = 'ecar_notify'"), 'f');
    assert.equal(superuser("SELECT has_database_privilege('ecar_garage', 'ecar_notify', 'CONNECT')"), 'f');
    assert.equal(superuser("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'", 'ecar_notify'), 'ecar_notify');
    psql('ecar_backup_reader', 'ecar_notify', 'SELECT 1');
  });
});

describe('transport (ENC-6)', () => {
  test('a connection without TLS is refused even with the right password', () => {
    assert.throws(() => psql('ecar_auth', 'ecar_auth', 'SELECT 1', 'disable'), /pg_hba\.conf rejects connection .*no encryption/);
  });

  test('a wrong password is refused', () => {
    const saved = passwords['ecar_auth'] ?? '';
    passwords['ecar_auth'] = 'not-the-password';
    try {
      assert.throws(() => psql('ecar_auth', 'ecar_auth', 'SELECT 1'), /password authentication failed/);
    } finally {
      passwords['ecar_auth'] = saved;
    }
  });

  test('the init script refuses a secret whose password is weak', () => {
    const secrets = join(dir, 'weak-secrets');
    mkdirSync(secrets);
    for (const name of ['auth', 'garage', 'billing', 'audit', 'backup', 'backup_dump']) {
      writeFileSync(join(secrets, `${name}_database_url`), `postgres://ecar_${name}:${name === 'garage' ? 'changeme' : randomBytes(32).toString('hex')}@postgres/ecar_${name}\n`);
    }
    const result = spawnSync('bash', [join(INFRA, 'initdb.d', '10-ecar-roles.sh')], {
      encoding: 'utf8',
      env: { ...process.env, ECAR_SECRETS_DIR: secrets, ECAR_POSTGRES_INIT_SQL: '/nonexistent.sql', PGHOST: '/nonexistent' },
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /garage_database_url must carry a password of at least 32/);
  });
});
