export * from './keyring.ts';
export * from './file-cipher.ts';
