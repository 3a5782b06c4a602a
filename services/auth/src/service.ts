import { AccessTokenVerifier } from '@ecar/auth-client';
import { Keyring } from '@ecar/crypto';
import { defineService, type ServiceContext, type StartedService } from '@ecar/runtime';
import { authRouteTable } from './api/route-table.ts';
import { loadAuthConfig, type AuthConfig } from './config.ts';
import { authMigrations } from './data/migrations.ts';
import { AccountAdministration } from './domain/accounts.ts';
import type { AuthContext } from './domain/auth-context.ts';
import { ensureBootstrapAdmin } from './domain/bootstrap.ts';
import { CommonPasswords } from './domain/common-passwords.ts';
import { LoginService } from './domain/login.ts';
import { LoginThrottle } from './domain/login-throttle.ts';
import { DevelopmentLogMailer, SmtpMailer } from './domain/mailer.ts';
import { MfaService } from './domain/mfa.ts';
import { PasswordHasher } from './domain/password-hasher.ts';
import { DEFAULT_PASSWORD_POLICY } from './domain/password-policy.ts';
import { PasswordRules } from './domain/password-rules.ts';
import { SelfService } from './domain/self-service.ts';
import { SessionService } from './domain/sessions.ts';
import { TokenSigner } from './domain/token-signer.ts';
import { Totp } from './domain/totp.ts';

async function authContext(base: ServiceContext<AuthConfig>): Promise<AuthContext> {
  const { config, unitOfWork, logger } = base;
  const signer = new TokenSigner(unitOfWork, new Keyring({ sk1: config.SIGNING_KEY_ENCRYPTION_KEY }, 'sk1'), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  await signer.load();
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
  const sessions = new SessionService(unitOfWork, signer, { refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, csrfKey: config.CSRF_KEY });
  const throttle = new LoginThrottle(unitOfWork, {
    freeFailures: config.LOGIN_THROTTLE_FREE_FAILURES,
    lockAfter: config.LOGIN_LOCK_AFTER,
    ipLockAfter: config.LOGIN_IP_LOCK_AFTER,
    lockSeconds: config.LOGIN_LOCK_SECONDS,
    mfaLockAfter: config.MFA_LOCK_AFTER,
    mfaLockSeconds: config.MFA_LOCK_SECONDS,
    windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
    maxDelayMs: config.LOGIN_MAX_DELAY_MS,
  });
  const totp = new Totp({ issuer: config.MFA_ISSUER, periodSeconds: config.MFA_TOTP_PERIOD_SECONDS });
  const mailer = config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.SMTP_ALLOWED_HOSTS, config.MAIL_FROM) : new DevelopmentLogMailer(logger);
  const mfa = new MfaService(unitOfWork, new Keyring({ mk1: config.MFA_ENCRYPTION_KEY }, 'mk1'), totp, sessions, throttle, mailer, logger, {
    ttlSeconds: config.MFA_ENROLMENT_CODE_TTL_SECONDS,
    attempts: config.MFA_ENROLMENT_CODE_ATTEMPTS,
    mailsPerAddressPerHour: config.MAIL_PER_ADDRESS_PER_HOUR,
  });
  const self = new SelfService(unitOfWork, hasher, rules, sessions, mailer, logger, {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    emailTokenTtlSeconds: config.EMAIL_TOKEN_TTL_SECONDS,
    mailsPerAddressPerHour: config.MAIL_PER_ADDRESS_PER_HOUR,
    openLinksMax: config.EMAIL_LINKS_OPEN_MAX,
    unverifiedTtlSeconds: config.UNVERIFIED_ACCOUNT_TTL_SECONDS,
  });
  return {
    signer,
    verifier: new AccessTokenVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      keyFor: async (kid) => signer.publicKeyFor(kid),
      // A token of a key no longer published (revoked) is refused, even from the verifier's cache.
      isRevoked: (principal) => (principal.keyId !== undefined && !signer.publicKeyFor(principal.keyId)) || sessions.isRevoked(principal.sessionId),
    }),
    bootstrap: await ensureBootstrapAdmin(unitOfWork, hasher, config.BOOTSTRAP_ADMIN_EMAIL, config.BOOTSTRAP_ADMIN_PASSWORD),
    sessions,
    login: new LoginService(unitOfWork, hasher, sessions, throttle, mfa),
    mfa,
    self,
    accounts: new AccountAdministration(unitOfWork, hasher, rules, sessions, throttle),
    mailer,
    cookies: { secure: config.COOKIE_SECURE },
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** The auth deployable: accounts, sessions, MFA, the signing keys and their JWKS. */
export const authService = defineService<AuthConfig, AuthContext>({
  name: 'auth',
  config: loadAuthConfig,
  migrations: authMigrations,
  context: authContext,
  routes: authRouteTable,
  verifier: (auth) => auth.verifier,
  // A rotation made by another replica or by the CLI reaches this one within one interval.
  jobs: ({ signer }, base) => [{ name: 'auth-signing-key-reload', schedule: { everyMs: base.config.SIGNING_KEY_RELOAD_SECONDS * 1000 }, run: () => signer.reload() }],
  onStop: ({ mailer }) => mailer.close(),
});

export type AuthService = StartedService<AuthConfig, AuthContext>;
