// Layer and deployable boundaries, enforced with ESLint's own `no-restricted-imports`.
//
// Inside a service: `api/` never imports `data/` (a route calls a domain use case); `domain/`
// never imports express, amqplib or `api/`; `data/` never imports `api/`. No relative import
// leaves its deployable or shared package, and no code imports a deployable by package name:
// shared code travels through the `@ecar/*` libraries in shared/, and tests/ is where several
// services meet.
//
// `no-restricted-imports` sees the import text, not the resolved file, so the patterns are
// generated per directory depth: from `services/x/src/api/y.ts`, `../data/…` is the data layer
// and `../../../…` is outside the service.
import { readFileSync } from 'node:fs';

const DEPLOYABLES = ['services/*', 'gateway'];
const SHARED_PACKAGES = 'shared/*';
const SOURCE = '*.{ts,js,mjs}';
const MAX_DEPTH = 8;

const LAYERS = {
  api: {
    layers: { data: 'api/ must not import data/: call a domain use case and map its result to a view.' },
    packages: [],
  },
  domain: {
    layers: { api: 'domain/ must not import api/: routes call use cases, never the reverse.' },
    packages: [
      { name: 'express', message: 'domain/ must not import express: a use case never sees req or res.' },
      { name: 'amqplib', message: 'domain/ must not import amqplib: events leave through the outbox of @ecar/bus.' },
    ],
  },
  data: {
    layers: { api: 'data/ must not import api/: the data layer serves the domain, not the routes.' },
    packages: [],
  },
};

/**
 * Files whose layer violations predate these rules, each still checked for leaving its
 * deployable. The list only shrinks: tests/infra/layer-boundaries.test.ts fails for an entry
 * that no longer needs to be here.
 */
export const LAYER_EXCEPTIONS = JSON.parse(readFileSync(new URL('./eslint.layer-exceptions.json', import.meta.url), 'utf8')).files;

const up = (count) => `(\\.\\./){${count}}`;

/** Imports that leave a deployable or shared package whose root is `depth` directories above the file. */
function outsidePatterns(depth, kind) {
  return [
    {
      regex: `^(\\./)?${up(depth + 1)}`,
      message: `A relative import must not leave its ${kind}: shared code belongs in a shared/ package, imported as @ecar/<name>.`,
    },
    {
      regex: '^@ecar/(gateway|[a-z-]+-service)(/|$)',
      message: 'A deployable is not a library: move what both sides need into a shared/ package.',
    },
  ];
}

/** Imports of a sibling layer from a file `depth` directories below `src/<layer>/`. */
function layerPatterns(layer, depth) {
  const spec = LAYERS[layer];
  return [
    ...Object.entries(spec.layers).map(([target, message]) => ({ regex: `^(\\./)?${up(depth + 1)}${target}(/|$)`, message })),
    ...spec.packages.map(({ name, message }) => ({ regex: `^${name}(/|$)`, message })),
  ];
}

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** Directories between a deployable's root (`services/<name>` or `gateway`) and the file. */
function depthInDeployable(file) {
  const segments = file.split('/');
  return segments.length - (segments[0] === 'services' ? 2 : 1) - 1;
}

export function boundaryConfigs() {
  const configs = [];
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const below = '*/'.repeat(depth);
    configs.push({
      files: DEPLOYABLES.map((root) => `${root}/${below}${SOURCE}`),
      rules: restrict(outsidePatterns(depth, 'deployable')),
    });
    configs.push({ files: [`${SHARED_PACKAGES}/${below}${SOURCE}`], rules: restrict(outsidePatterns(depth, 'shared package')) });
  }
  for (const layer of Object.keys(LAYERS)) {
    for (let depth = 0; depth < MAX_DEPTH - 2; depth += 1) {
      configs.push({
        files: [`services/*/src/${layer}/${'*/'.repeat(depth)}${SOURCE}`],
        ignores: LAYER_EXCEPTIONS,
        rules: restrict([...outsidePatterns(depth + 2, 'deployable'), ...layerPatterns(layer, depth)]),
      });
    }
  }
  for (const file of LAYER_EXCEPTIONS) {
    configs.push({ files: [file], rules: restrict(outsidePatterns(depthInDeployable(file), 'deployable')) });
  }
  return configs;
}
