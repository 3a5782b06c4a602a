// Creates a new JWT signing key and retires the current one. The retired key stays in the JWKS
// for one access-token lifetime (+ 60 s), so tokens it signed keep verifying until they expire:
// nobody is logged out. Running auth replicas pick the new key up within SIGNING_KEY_RELOAD_SECONDS.
// Usage: node --import tsx services/auth/src/cli/rotate-signing-key.ts   (same env as the auth service)
import { Keyring } from '@ecar/crypto';
import { createDataSource } from '@ecar/db';
import { UnitOfWork } from '@ecar/runtime';
import { loadAuthConfig } from '../config.ts';
import { TokenSigner } from '../domain/token-signer.ts';

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
  const kid = await signer.rotate('signing-key-cli');
  process.stdout.write(`new signing key: ${kid}\nprevious keys stay published for ${config.ACCESS_TOKEN_TTL_SECONDS + 60} s\n`);
} finally {
  await dataSource.destroy();
}
