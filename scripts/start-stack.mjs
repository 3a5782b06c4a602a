#!/usr/bin/env node
// Runs the six deployables as child processes with prefixed logs, waits until each is ready,
// then prints where to reach ECAR and how to log in. Ctrl-C (or SIGTERM) stops all of them.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const devDir = `${root}data/dev`;
mkdirSync(devDir, { recursive: true, mode: 0o700 });

/** A development admin password kept in data/dev (git-ignored) so restarts keep the same login. */
function devAdminPassword() {
  const file = `${devDir}/admin-password`;
  if (!existsSync(file)) {
    const password = `Ecar-${randomBytes(9).toString('base64url')}-9!`;
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

// The document store exists before garage's first upload: backup archives it at boot.
mkdirSync(`${root}data/documents`, { recursive: true, mode: 0o700 });

const adminEmail = process.env.ECAR_BOOTSTRAP_ADMIN_EMAIL ?? 'admin@ecar.local';
const passwordFromEnv = process.env.ECAR_BOOTSTRAP_ADMIN_PASSWORD !== undefined;
const adminPassword = process.env.ECAR_BOOTSTRAP_ADMIN_PASSWORD ?? devAdminPassword();
// The banner says where the password is, never the password (terminals get recorded and shared).
const passwordWhere = passwordFromEnv ? 'the ECAR_BOOTSTRAP_ADMIN_PASSWORD you set' : 'data/dev/admin-password (mode 0600)';
const passwordShell = passwordFromEnv ? '$ECAR_BOOTSTRAP_ADMIN_PASSWORD' : '$(cat data/dev/admin-password)';
const env = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  ECAR_BOOTSTRAP_ADMIN_EMAIL: adminEmail,
  ECAR_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
};

const processes = [
  { name: 'auth', entry: 'services/auth/src/main.ts', port: 3001, colour: 36 },
  { name: 'garage', entry: 'services/garage/src/main.ts', port: 3002, colour: 32 },
  { name: 'billing', entry: 'services/billing/src/main.ts', port: 3003, colour: 33 },
  { name: 'audit', entry: 'services/audit/src/main.ts', port: 3004, colour: 35 },
  { name: 'backup', entry: 'services/backup/src/main.ts', port: 3005, colour: 34 },
  { name: 'notify', entry: 'services/notify/src/main.ts', port: 3006, colour: 96 },
  { name: 'gateway', entry: 'gateway/src/main.ts', port: 8080, colour: 31, health: '/health/live' },
];

const children = [];
let stopping = false;

function prefix(name, colour) {
  const label = process.stdout.isTTY ? `\x1b[${colour}m${name.padEnd(8)}\x1b[0m|` : `${name.padEnd(8)}|`;
  return (line) => process.stdout.write(`${label} ${line}\n`);
}

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\n[ecar] stopping all services…');
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }, 15_000);
  force.unref();
  Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() => process.exit(code));
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function waitReady(service) {
  const url = `http://127.0.0.1:${service.port}${service.health ?? '/health/ready'}`;
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (stopping) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${service.name} did not become ready at ${url}`);
}

async function start(service) {
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const print = prefix(service.name, service.colour);
  createInterface({ input: child.stdout }).on('line', print);
  createInterface({ input: child.stderr }).on('line', print);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[ecar] ${service.name} exited (${signal ?? code}); stopping the stack`);
      stopAll(1);
    }
  });
  await waitReady(service);
}

try {
  // The consumers first, so their queues are bound before anyone publishes (auth's first events
  // were otherwise "unroutable" until audit and garage had declared theirs; the relay retries
  // them, but the warnings scared new users). Nobody needs auth to start: JWKS and the
  // revoked-session snapshot are fetched when needed and retried. Then auth, then the rest.
  const consumersFirst = new Set(['audit', 'garage', 'billing']);
  await Promise.all(processes.filter((service) => consumersFirst.has(service.name)).map(start));
  await start(processes.find((service) => service.name === 'auth'));
  await Promise.all(processes.filter((service) => !consumersFirst.has(service.name) && service.name !== 'auth').map(start));
} catch (error) {
  console.error(`[ecar] ${error.message}`);
  stopAll(1);
}

if (!stopping) {
  console.log(`
==============================================================================
 ECAR is running (DEVELOPMENT MODE — not for production)
   Back office:  http://127.0.0.1:8080/admin/   (super-admins; TOTP enrolment with a QR code at the first sign-in)
   Web app:      http://127.0.0.1:8080/app/     (technicians and customers)
   API gateway:  http://127.0.0.1:8080   (e.g. GET /api/v1/auth/me)
   Log in:       POST http://127.0.0.1:8080/api/v1/auth/login
                 {"email":"${adminEmail}","password":"<below>","client":"mobile"}
   Super-admin:  ${adminEmail}
   Password:     in ${passwordWhere}
   Try it:       curl -s -X POST http://127.0.0.1:8080/api/v1/auth/login \\
                   -H 'content-type: application/json' \\
                   -d "{\\"email\\":\\"${adminEmail}\\",\\"password\\":\\"${passwordShell}\\"}"
   MFA (AUTH-7): a super-admin must enrol TOTP at the first login. The login then answers
                 "status":"mfa_enrolment_required" with a token good only for enrolment:
                 1. POST /api/v1/auth/mfa/totp/setup   (Bearer that token) -> otpauthUri + QR
                    code; add it to an authenticator app (or type the "secret")
                 2. POST /api/v1/auth/mfa/totp/verify  {"code":"<6 digits>"} -> full tokens
                    and 10 recovery codes, shown once: keep them safe
                 Later logins answer "status":"mfa_required" with an mfaToken: send
                 POST /api/v1/auth/login/mfa {"mfaToken":"...","code":"<6 digits>"}
   Metrics:      http://127.0.0.1:<3001..3005>/metrics, gateway http://127.0.0.1:8080/metrics
 Press Ctrl-C to stop everything.
==============================================================================
`);
}
