import { AccessTokenVerifier } from '@ecar/auth-client';
import { Keyring } from '@ecar/crypto';
import { startService, type RunningService } from '@ecar/runtime';
import type { Logger } from '@ecar/logger';
import { authRoutes } from './api/routes.ts';
import { loadAuthConfig } from './config.ts';
import { authMigrations } from './data/migrations.ts';
import { ensureBootstrapAdmin, type BootstrapResult } from './domain/bootstrap.ts';
import { LoginService } from './domain/login.ts';
import { PasswordHasher } from './domain/passwords.ts';
import { SessionService } from './domain/sessions.ts';
import { TokenSigner } from './domain/token-signer.ts';

export interface AuthService extends RunningService {
  bootstrap: BootstrapResult;
  signer: TokenSigner;
}

export async function startAuthService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<AuthService> {
  const loaded = loadAuthConfig(env);
  const config = loaded.values;
  let signer: TokenSigner | undefined;
  let bootstrap: BootstrapResult | undefined;
  const running = await startService({
    service: 'auth',
    config,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: authMigrations,
    ...(logger ? { logger } : {}),
    async setup(app, context) {
      const keyring = new Keyring({ sk1: config.SIGNING_KEY_ENCRYPTION_KEY }, 'sk1');
      signer = new TokenSigner(context.dataSource, keyring, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      });
      await signer.load();
      const tokenSigner = signer;
      const hasher = new PasswordHasher({ memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_ITERATIONS });
      const sessions = new SessionService(context.dataSource, tokenSigner, config.REFRESH_TOKEN_TTL_SECONDS);
      const login = new LoginService(context.dataSource, hasher, sessions);
      const verifier = new AccessTokenVerifier({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        keyFor: async (kid) => tokenSigner.publicKeyFor(kid),
      });
      bootstrap = await ensureBootstrapAdmin(context.dataSource, hasher, config.BOOTSTRAP_ADMIN_EMAIL, config.BOOTSTRAP_ADMIN_PASSWORD);
      app.use(authRoutes({ dataSource: context.dataSource, login, sessions, signer: tokenSigner, verifier }));
    },
  });
  return { ...running, bootstrap: bootstrap!, signer: signer! };
}
