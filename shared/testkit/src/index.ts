export * from './db.ts';
export * from './bus.ts';
export * from './tcp-proxy.ts';
export * from './wait.ts';
export * from './processes.ts';
