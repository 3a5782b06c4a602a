// Creates a new JWT signing key and retires the current one. The retired key stays in the JWKS
// for one access-token lifetime (+ 60 s), so tokens it signed keep verifying until they expire:
// nobody is logged out. Running auth replicas pick the new key up within SIGNING_KEY_RELOAD_SECONDS.
// With --revoke (a compromised key): the previous keys are revoked instead — out of the JWKS at
// once, and `auth.signing_key.revoked` makes the gateway and every service refuse their tokens
// (cached ones too) as soon as the event reaches them; everyone signs in again.
// Usage: node --import tsx services/auth/src/cli/rotate-signing-key.ts [--revoke]   (same env as the auth service)
import { parseArgs } from 'node:util';
import { Keyring } from '@ecar/crypto';
import { createDataSource } from '@ecar/db';
import { UnitOfWork } from '@ecar/runtime';
import { loadAuthConfig } from '../config.ts';
import { TokenSigner } from '../domain/token-signer.ts';

const { values: options } = parseArgs({ options: { revoke: { type: 'boolean', default: false } }, strict: true });
const { values: config } = loadAuthConfig(process.env);
const dataSource = createDataSource({ url: config.DATABASE_URL, migrations: [], applicationName: 'ecar-auth-rotate-signing-key', poolMax: 2 });
await dataSource.initialize();
try {
  // The rotation event leaves through the outbox; the running service's relay publishes it.
  const signer = new TokenSigner(new UnitOfWork(dataSource, 'auth'), new Keyring({ sk1: config.SIGNING_KEY_ENCRYPTION_KEY }, 'sk1'), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const kid = await signer.rotate('signing-key-cli', { revoke: options.revoke });
  process.stdout.write(
    options.revoke
      ? `new signing key: ${kid}\nprevious keys revoked: withdrawn from the JWKS, their tokens refused (auth replicas within SIGNING_KEY_RELOAD_SECONDS)\n`
      : `new signing key: ${kid}\nprevious keys stay published for ${config.ACCESS_TOKEN_TTL_SECONDS + 60} s\n`,
  );
} finally {
  await dataSource.destroy();
}
