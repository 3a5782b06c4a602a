import { commonFields, field, loadConfig } from '@ecar/config';

export const authConfigSpec = {
  ...commonFields('auth', 3001),
  SIGNING_KEY_ENCRYPTION_KEY: field.secretKey({
    doc: 'AES-256 key (base64, 32 bytes) that seals the JWT signing private keys stored in the database',
    bytes: 32,
  }),
  ACCESS_TOKEN_TTL_SECONDS: field.int({ doc: 'Access token lifetime (AUTH-2: 1 hour)', default: 3600, min: 60, max: 3600 }),
  REFRESH_TOKEN_TTL_SECONDS: field.int({ doc: 'Refresh token absolute lifetime (AUTH-2: 7 days)', default: 7 * 86400, min: 300, max: 7 * 86400 }),
  BOOTSTRAP_ADMIN_EMAIL: field.string({ doc: 'E-mail of the first super-admin, created when none exists', default: 'admin@ecar.local', maxLength: 320 }),
  BOOTSTRAP_ADMIN_PASSWORD: field.secretString({
    doc: 'Password of the first super-admin; when unset a random one is generated and printed once',
    minLength: 12,
    optional: true,
  }),
  ARGON2_MEMORY_KIB: field.int({ doc: 'argon2id memory cost (OWASP: ≥ 19 MiB)', default: 19456, min: 19456 }),
  ARGON2_ITERATIONS: field.int({ doc: 'argon2id time cost (OWASP: ≥ 2)', default: 2, min: 2 }),
};

/** Environment names of the auth service take the `ECAR_` prefix for the bootstrap keys the README mentions. */
export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env) {
  const withAliases = {
    ...env,
    BOOTSTRAP_ADMIN_EMAIL: env['ECAR_BOOTSTRAP_ADMIN_EMAIL'] ?? env['BOOTSTRAP_ADMIN_EMAIL'],
    BOOTSTRAP_ADMIN_PASSWORD: env['ECAR_BOOTSTRAP_ADMIN_PASSWORD'] ?? env['BOOTSTRAP_ADMIN_PASSWORD'],
  };
  return loadConfig('auth', authConfigSpec, withAliases);
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>['values'];
