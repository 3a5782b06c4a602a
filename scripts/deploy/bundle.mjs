#!/usr/bin/env node
// Compiles one deployable to JavaScript for its production image (infra/docker/Dockerfile.node):
// its own TypeScript and the shared @ecar/* workspace packages become one ES module,
// <deployable>/dist/main.mjs; every npm package stays external and loads from node_modules.
// No TypeScript at run time: tsx's on-the-fly compiler costs ~100 MB per process.
//   node scripts/deploy/bundle.mjs services/auth
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const DEPLOYABLES = ['gateway', 'services/auth', 'services/garage', 'services/billing', 'services/audit', 'services/backup', 'services/notify'];
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * npm packages external, @ecar/* bundled; each file's `import.meta.url` keeps naming that
 * file (relative to the bundle), so resources it finds next to itself are still found.
 */
function workspacePlugin(outDir) {
  return {
    name: 'ecar-workspace',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@ecar/') ? undefined : { path: args.path, external: true }));
      builder.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const own = JSON.stringify(relative(outDir, args.path).split('\\').join('/'));
        return { contents: source.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

export async function bundle(deployable) {
  if (!DEPLOYABLES.includes(deployable)) throw new Error(`deployable must be one of ${DEPLOYABLES.join(', ')} (got "${deployable}")`);
  const outDir = join(root, deployable, 'dist');
  await build({
    entryPoints: [join(root, deployable, 'src', 'main.ts')],
    outfile: join(outDir, 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [workspacePlugin(outDir)],
  });
  return join(outDir, 'main.mjs');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const deployable = process.argv[2] ?? '';
  const out = await bundle(deployable);
  process.stderr.write(`bundled ${deployable} → ${relative(root, out)}\n`);
}
