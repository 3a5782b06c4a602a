export * from './claims.ts';
export * from './verifier.ts';
export * from './middleware.ts';
