export * from './pki.ts';
export * from './options.ts';
