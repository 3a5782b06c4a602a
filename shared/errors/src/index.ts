export * from './app-error.ts';
export * from './problem.ts';
export * from './validate.ts';
export * from './input-text.ts';
