import { AccessTokenVerifier } from '@ecar/auth-client';
import { Keyring } from '@ecar/crypto';
import { startService, type RunningService } from '@ecar/runtime';
import type { Logger } from '@ecar/logger';
import { internalRoutes } from './api/internal-routes.ts';
import { authRoutes } from './api/routes.ts';
import { userRoutes } from './api/user-routes.ts';
import { loadAuthConfig } from './config.ts';
import { authMigrations } from './data/migrations.ts';
import { AccountAdministration } from './domain/accounts.ts';
import { ensureBootstrapAdmin, type BootstrapResult } from './domain/bootstrap.ts';
import { CommonPasswords } from './domain/common-passwords.ts';
import { LoginService } from './domain/login.ts';
import { LoginThrottle } from './domain/login-throttle.ts';
import { DevelopmentLogMailer, SmtpMailer, type Mailer } from './domain/mailer.ts';
import { MfaService } from './domain/mfa.ts';
import { DEFAULT_PASSWORD_POLICY } from './domain/password-policy.ts';
import { PasswordRules } from './domain/password-rules.ts';
import { PasswordHasher } from './domain/password-hasher.ts';
import { SelfService } from './domain/self-service.ts';
import { SessionService } from './domain/sessions.ts';
import { TokenSigner } from './domain/token-signer.ts';
import { Totp } from './domain/totp.ts';

export interface AuthService extends RunningService {
  bootstrap: BootstrapResult;
  signer: TokenSigner;
}

export async function startAuthService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<AuthService> {
  const loaded = loadAuthConfig(env);
  const config = loaded.values;
  let signer: TokenSigner | undefined;
  let bootstrap: BootstrapResult | undefined;
  let mailer: Mailer | undefined;
  const running = await startService({
    service: 'auth',
    config,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: authMigrations,
    ...(logger ? { logger } : {}),
    async setup(app, context) {
      const { dataSource } = context;
      signer = new TokenSigner(dataSource, new Keyring({ sk1: config.SIGNING_KEY_ENCRYPTION_KEY }, 'sk1'), {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      });
      await signer.load();
      const tokenSigner = signer;
      tokenSigner.startReloading(config.SIGNING_KEY_RELOAD_SECONDS * 1000, (error) => context.logger.error('signing key reload failed', { error }));

      const hasher = new PasswordHasher({
        memoryCost: config.ARGON2_MEMORY_KIB,
        timeCost: config.ARGON2_ITERATIONS,
        maxConcurrent: config.ARGON2_MAX_CONCURRENT,
        maxQueued: config.ARGON2_MAX_QUEUED,
      });
      const rules = new PasswordRules(
        {
          ...DEFAULT_PASSWORD_POLICY,
          minLength: config.PASSWORD_MIN_LENGTH,
          maxLength: config.PASSWORD_MAX_LENGTH,
          requireUpper: config.PASSWORD_REQUIRE_CLASSES,
          requireLower: config.PASSWORD_REQUIRE_CLASSES,
          requireDigit: config.PASSWORD_REQUIRE_CLASSES,
          requireSymbol: config.PASSWORD_REQUIRE_CLASSES,
          maxSimilarity: config.PASSWORD_MAX_SIMILARITY / 100,
          historySize: config.PASSWORD_HISTORY,
        },
        CommonPasswords.load(),
        hasher,
      );
      const sessions = new SessionService(dataSource, tokenSigner, { refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, csrfKey: config.CSRF_KEY });
      const throttle = new LoginThrottle(dataSource, {
        freeFailures: config.LOGIN_THROTTLE_FREE_FAILURES,
        lockAfter: config.LOGIN_LOCK_AFTER,
        ipLockAfter: config.LOGIN_IP_LOCK_AFTER,
        lockSeconds: config.LOGIN_LOCK_SECONDS,
        windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
        maxDelayMs: config.LOGIN_MAX_DELAY_MS,
      });
      const totp = new Totp({ issuer: config.MFA_ISSUER, periodSeconds: config.MFA_TOTP_PERIOD_SECONDS });
      const mfa = new MfaService(dataSource, new Keyring({ mk1: config.MFA_ENCRYPTION_KEY }, 'mk1'), totp, sessions, throttle);
      const login = new LoginService(dataSource, hasher, sessions, throttle, mfa);
      mailer = config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.SMTP_ALLOWED_HOSTS, config.MAIL_FROM) : new DevelopmentLogMailer(context.logger);
      const self = new SelfService(dataSource, hasher, rules, sessions, mailer, context.logger, {
        publicBaseUrl: config.PUBLIC_BASE_URL,
        emailTokenTtlSeconds: config.EMAIL_TOKEN_TTL_SECONDS,
      });
      const accounts = new AccountAdministration(dataSource, hasher, rules, sessions, throttle);
      const verifier = new AccessTokenVerifier({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        keyFor: async (kid) => tokenSigner.publicKeyFor(kid),
      });
      bootstrap = await ensureBootstrapAdmin(dataSource, hasher, config.BOOTSTRAP_ADMIN_EMAIL, config.BOOTSTRAP_ADMIN_PASSWORD);
      const cookies = { secure: config.COOKIE_SECURE };
      app.use(authRoutes({ login, mfa, sessions, self, signer: tokenSigner, verifier, cookies }));
      app.use(userRoutes({ verifier, sessions, accounts, mfa }));
      app.use(internalRoutes(sessions, config.ACCESS_TOKEN_TTL_SECONDS));
    },
    onStop() {
      signer?.stopReloading();
      mailer?.close();
    },
  });
  return { ...running, bootstrap: bootstrap!, signer: signer! };
}
