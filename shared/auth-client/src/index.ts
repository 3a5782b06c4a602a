export * from './claims.ts';
export * from './verifier.ts';
export * from './middleware.ts';
export * from './csrf.ts';
export * from './revocation.ts';
