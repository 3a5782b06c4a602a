export * from './envelope.ts';
export * from './events.ts';
export * from './build.ts';
export * from './pii.ts';
export * from './caller.ts';
export * from './requests/paging.ts';
export * from './formats.ts';
