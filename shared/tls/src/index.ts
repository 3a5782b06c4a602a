// The internal CA's issuing code (node-forge, ~12 MB of RSS) is `@ecar/tls/pki`: only
// scripts/pki.ts and tests issue certificates, no running service loads it.
export * from './options.ts';
export * from './get-json.ts';
