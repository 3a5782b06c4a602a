// bench/memory: what an idle Node deployable carries for the npm packages its production bundle
// imports at start (scripts/deploy/bundle.mjs: @ecar/* bundled, npm packages external).
// For each deployable: the bundle's static imports, then the RSS of a fresh process that imports
// exactly those packages (the image's flags: --max-semi-space-size=1, MALLOC_ARENA_MAX=2), after
// a full GC. Then, with --packages, what each package alone adds to a bare process — which is
// how the heavy ones that only some routes need were found (docs/performance/memory.md).
// Usage: node --import tsx bench/memory/run.ts [--packages] [deployable ...]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOYABLES = ['gateway', 'services/auth', 'services/garage', 'services/billing', 'services/audit', 'services/backup'];

function bundle(deployable: string): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/deploy/bundle.mjs'), deployable], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return join(ROOT, deployable, 'dist', 'main.mjs');
}

const args = process.argv.slice(2);
const perPackage = args.includes('--packages');
const chosen = args.filter((arg) => !arg.startsWith('--'));
const deployables = chosen.length > 0 ? chosen : DEPLOYABLES;

/** RSS and heap (MB) of a process that imported `packages`, after two full GCs. */
function idle(packages: readonly string[]): { rss: number; heap: number } {
  const script = `for (const name of ${JSON.stringify(packages)}) await import(name);
globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 300)); globalThis.gc();
const usage = process.memoryUsage(); console.log(JSON.stringify({ rss: usage.rss / 1048576, heap: usage.heapUsed / 1048576 }));`;
  const result = spawnSync(process.execPath, ['--max-semi-space-size=1', '--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', MALLOC_ARENA_MAX: '2' },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim()) as { rss: number; heap: number };
}

const mb = (value: number) => value.toFixed(1).padStart(6);
const bare = idle([]);
console.log(`bare node: rss ${mb(bare.rss)} MB, heap ${mb(bare.heap)} MB`);
const seen = new Set<string>();
for (const deployable of deployables) {
  const file = bundle(deployable);
  const source = readFileSync(file, 'utf8');
  const packages = [...new Set([...source.matchAll(/^import (?:[^;]*? from )?"([^"]+)";?$/gm)].map((match) => match[1]!).filter((name) => !name.startsWith('node:')))].sort();
  const usage = idle(packages);
  console.log(`${deployable.padEnd(16)} rss ${mb(usage.rss)} MB, heap ${mb(usage.heap)} MB  ${packages.join(' ')}`);
  for (const name of packages) seen.add(name);
}
// What a sign-in leaves behind: argon2id (19 MiB, 2 at once as under load) with glibc's dynamic
// mmap threshold, and with the fixed one of infra/docker/Dockerfile.node.
for (const threshold of [undefined, '131072']) {
  const script = `import argon2 from 'argon2';
for (let i = 0; i < 6; i++) await Promise.all([0, 1].map((j) => argon2.hash('password' + i + j, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2 })));
globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 500));
console.log((process.memoryUsage().rss / 1048576).toFixed(1));`;
  const result = spawnSync(process.execPath, ['--max-semi-space-size=1', '--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', MALLOC_ARENA_MAX: '2', ...(threshold ? { MALLOC_MMAP_THRESHOLD_: threshold } : {}) },
  });
  console.log(`argon2 after 12 hashes, mmap threshold ${threshold ?? 'dynamic'}: rss ${result.stdout.trim()} MB`);
}

if (perPackage) {
  console.log('\npackage alone, added to a bare process:');
  for (const name of [...seen, '@sentry/node', 'node-forge', 'nodemailer', 'qrcode', 'pdfkit'].filter((name, index, all) => all.indexOf(name) === index)) {
    try {
      const usage = idle([name]);
      console.log(`  ${name.padEnd(22)} +${mb(usage.rss - bare.rss)} MB rss  +${mb(usage.heap - bare.heap)} MB heap`);
    } catch {
      console.log(`  ${name.padEnd(22)} (not installed)`);
    }
  }
}
