export * from './envelope.ts';
export * from './events.ts';
export * from './build.ts';
export * from './pii.ts';
