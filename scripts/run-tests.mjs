#!/usr/bin/env node
// Finds every *.test.ts file of the workspaces and tests/ and runs them with node's test runner
// through tsx. Arguments narrow the set: `node scripts/run-tests.mjs shared/bus tests/e2e`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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

const filters = process.argv.slice(2);
const files = roots
  .flatMap((dir) => walk(join(root, dir), []))
  .filter((file) => filters.length === 0 || filters.some((f) => file.startsWith(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched', filters.join(' '));
  process.exit(1);
}
const concurrency = process.env.ECAR_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LOG_SILENT: process.env.LOG_SILENT ?? '1' } },
);
process.exit(result.status ?? 1);
