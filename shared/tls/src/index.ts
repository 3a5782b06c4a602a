export * from './pki.ts';
export * from './options.ts';
export * from './get-json.ts';
