#!/usr/bin/env node
// Finds every *.test.ts file of the workspaces and tests/ and runs them with node's test runner
// through tsx. Arguments narrow the set: `node scripts/run-tests.mjs shared/bus tests/e2e`.
// `--unit`: only unit tests — the workspaces' own test/ folders, without the tests that need
// PostgreSQL or RabbitMQ (those take them from @ecar/testkit, directly or through a helper).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['shared', 'gateway', 'services', 'web', 'tests'];
const skip = new Set(['node_modules', 'dist', 'data', '.git']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const unitOnly = process.argv.includes('--unit');
const filters = process.argv.slice(2).filter((arg) => arg !== '--unit');
const UNIT_FOLDER = /^(shared\/[^/]+|services\/[^/]+|gateway)\/test\//;
/** The file, or a helper it imports from its own folder, imports @ecar/testkit. */
const usesRealServices = (file, seen = new Set()) => {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = readFileSync(join(root, file), 'utf8');
  if (source.includes("'@ecar/testkit'")) return true;
  return [...source.matchAll(/from '\.\/([\w.-]+\.ts)'/g)].some((match) => usesRealServices(join(dirname(file), match[1]), seen));
};
const files = roots
  .flatMap((dir) => walk(join(root, dir), []))
  .filter((file) => filters.length === 0 || filters.some((f) => file.startsWith(f)))
  .filter((file) => !unitOnly || (UNIT_FOLDER.test(file) && !usesRealServices(file)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched', filters.join(' '));
  process.exit(1);
}
const concurrency = process.env.ECAR_TEST_CONCURRENCY ?? '2';
const run = (group) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...group],
    { stdio: 'inherit', cwd: root, env: { ...process.env, LOG_SILENT: process.env.LOG_SILENT ?? '1' } },
  ).status ?? 1;
// Chromium aborts its requests with ERR_NETWORK_CHANGED when the host's network interfaces change,
// which the Docker deployment suite does (compose networks, container restarts): the browser tests
// run first, on their own, and the rest (deployment suite included) after them.
// The Docker suites (tests/deploy) each bring up a whole stack on this machine's engine: they run
// one at a time — the first alongside the rest, every other one after it, alone.
const browser = files.filter((file) => file.startsWith('tests/browser/'));
const docker = files.filter((file) => file.startsWith('tests/deploy/'));
const rest = files.filter((file) => !file.startsWith('tests/browser/') && !file.startsWith('tests/deploy/'));
const groups = [browser, [...docker.slice(0, 1), ...rest], ...docker.slice(1).map((file) => [file])];
const statuses = groups.filter((group) => group.length > 0).map(run);
process.exit(statuses.find((status) => status !== 0) ?? 0);
