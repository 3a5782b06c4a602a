import { availableParallelism } from 'node:os';
import { commonFields, field, FieldError, loadConfig, type Field } from '@ecar/config';

/**
 * The portal's address in e-mailed links (verification, reset): production must name it, over
 * https and not on localhost, or every link would point nowhere (issue 12, finding 9).
 */
function publicBaseUrlField(): Field<string> {
  const plain = field.url({ doc: 'Base URL of the portal, for links in e-mails (required in production, https)', default: 'https://localhost', protocols: ['https:', 'http:'] });
  return {
    ...plain,
    parse(raw, context) {
      if (context.mode === 'production') {
        if (raw === undefined || raw.trim() === '') throw new FieldError(`${context.name} is required in production (the portal's https address, for links in e-mails)`);
        const url = new URL(plain.parse(raw, context));
        if (url.protocol !== 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) throw new FieldError(`${context.name} must be the portal's public https address in production`);
      }
      return plain.parse(raw, context);
    },
  };
}

/** A value production must hold to exactly: other values are for development and tests only. */
function fixedInProduction<T>(inner: Field<T>, required: T, why: string): Field<T> {
  return {
    ...inner,
    parse(raw, context) {
      const value = inner.parse(raw, context);
      if (context.mode === 'production' && value !== required) throw new FieldError(`${context.name} must be ${String(required)} in production (${why})`);
      return value;
    },
  };
}

/** Optional in development (e-mails are logged instead), required in production. */
function requiredInProduction(inner: Field<string | undefined>, why: string): Field<string | undefined> {
  return {
    ...inner,
    parse(raw, context) {
      const value = inner.parse(raw, context);
      if (context.mode === 'production' && !value) throw new FieldError(`${context.name} is required in production (${why})`);
      return value;
    },
  };
}

export const authConfigSpec = {
  ...commonFields('auth', 3001),
  SIGNING_KEY_ENCRYPTION_KEY: field.secretKey({
    doc: 'AES-256 key (base64, 32 bytes) that seals the JWT signing private keys stored in the database',
    bytes: 32,
  }),
  MFA_ENCRYPTION_KEY: field.secretKey({ doc: 'AES-256 key (base64, 32 bytes) that seals TOTP secrets (AAD = user id)', bytes: 32 }),
  CSRF_KEY: field.secretKey({ doc: 'HMAC key (base64, 32 bytes) deriving the CSRF token of a web session', bytes: 32 }),
  ACCESS_TOKEN_TTL_SECONDS: field.int({ doc: 'Access token lifetime (AUTH-2: 1 hour)', default: 3600, min: 60, max: 3600 }),
  REFRESH_TOKEN_TTL_SECONDS: field.int({ doc: 'Refresh token absolute lifetime (AUTH-2: 7 days)', default: 7 * 86400, min: 300, max: 7 * 86400 }),
  SIGNING_KEY_RELOAD_SECONDS: field.int({ doc: 'How often a replica re-reads the signing keys (picks up rotations by other replicas or the CLI)', default: 60, min: 1, max: 3600 }),
  BOOTSTRAP_ADMIN_EMAIL: field.string({ doc: 'E-mail of the first super-admin, created when none exists', default: 'admin@ecar.local', maxLength: 320 }),
  BOOTSTRAP_ADMIN_PASSWORD: field.secretString({
    doc: 'Password of the first super-admin; when unset a random one is generated and printed once',
    minLength: 12,
    optional: true,
  }),
  BOOTSTRAP_ADMIN_PASSWORD_OUT: field.string({
    doc: 'Where a generated first password is written (mode 0600, never logged); only its path is printed',
    default: 'data/bootstrap-admin-password',
    maxLength: 4096,
  }),
  ARGON2_MEMORY_KIB: field.int({ doc: 'argon2id memory cost (OWASP: ≥ 19 MiB)', default: 19456, min: 19456 }),
  ARGON2_ITERATIONS: field.int({ doc: 'argon2id time cost (OWASP: ≥ 2)', default: 2, min: 2 }),
  ARGON2_MAX_CONCURRENT: field.int({
    doc: 'Password hashes computed at once (the rest queue); default: one core less than the machine has, so a login burst leaves a core to every other request',
    default: Math.max(1, availableParallelism() - 1),
    min: 1,
    max: 16,
  }),
  ARGON2_MAX_QUEUED: field.int({ doc: 'Hashes allowed to wait; beyond this, logins answer 503', default: 200, min: 1 }),
  PASSWORD_MIN_LENGTH: field.int({ doc: 'Minimum password length (AUTH-8: 8)', default: 8, min: 8, max: 64 }),
  PASSWORD_MAX_LENGTH: field.int({ doc: 'Maximum password length, never truncated', default: 128, min: 64, max: 1024 }),
  PASSWORD_REQUIRE_CLASSES: field.bool({ doc: 'Require upper and lower case, a digit and a special character', default: true }),
  PASSWORD_MAX_SIMILARITY: field.int({ doc: 'Similarity to e-mail/name refused from this percentage (Django: 70)', default: 70, min: 10, max: 100 }),
  PASSWORD_HISTORY: field.int({ doc: 'Previous passwords that may not be reused', default: 5, min: 0, max: 24 }),
  LOGIN_THROTTLE_FREE_FAILURES: field.int({ doc: 'Failures per e-mail+IP before answers are delayed', default: 3, min: 1 }),
  LOGIN_LOCK_AFTER: field.int({ doc: 'Failures per e-mail+IP that lock that pair', default: 10, min: 2 }),
  LOGIN_IP_LOCK_AFTER: field.int({ doc: 'Failures per IP (any e-mail) that lock the IP', default: 50, min: 2 }),
  LOGIN_LOCK_SECONDS: field.int({ doc: 'How long a lock lasts', default: 900, min: 1, max: 86400 }),
  LOGIN_FAILURE_WINDOW_SECONDS: field.int({ doc: 'Failures older than this are forgotten', default: 900, min: 1 }),
  MFA_LOCK_AFTER: field.int({ doc: 'Wrong TOTP or recovery codes per account (from any address) that lock its MFA step', default: 5, min: 2, max: 100 }),
  MFA_LOCK_SECONDS: field.int({ doc: 'How long an account\'s MFA step stays locked (an admin unlock lifts it)', default: 900, min: 1, max: 86400 }),
  LOGIN_MAX_DELAY_MS: field.int({ doc: 'Cap of the progressive delay added to a failed attempt', default: 4000, min: 0, max: 30000 }),
  MFA_TOTP_PERIOD_SECONDS: fixedInProduction(
    field.int({ doc: 'TOTP time step; authenticator apps use 30 (production refuses any other value; tests shorten it)', default: 30, min: 1, max: 30 }),
    30,
    'authenticator apps assume 30 s',
  ),
  MFA_ENROLMENT_CODE_TTL_SECONDS: field.int({ doc: 'Lifetime of the one-time code e-mailed when TOTP enrolment starts', default: 600, min: 60, max: 3600 }),
  MFA_ENROLMENT_CODE_ATTEMPTS: field.int({ doc: 'Wrong e-mailed enrolment codes accepted before the code is void (enrolment starts again)', default: 5, min: 1, max: 10 }),
  MFA_ISSUER: field.string({ doc: 'Issuer shown in authenticator apps', default: 'ECAR', maxLength: 64 }),
  PUBLIC_BASE_URL: publicBaseUrlField(),
  SMTP_URL: requiredInProduction(
    field.secretString({ doc: 'SMTP relay (smtp://user:pass@host:port or smtps://…); unset in development = e-mails are only logged; required in production', minLength: 12, optional: true }),
    'verification and reset e-mails',
  ),
  SMTP_ALLOWED_HOSTS: field.list({ doc: 'SMTP relays allowed (RES-3)', default: ['127.0.0.1', 'localhost'] }),
  MAIL_FROM: field.string({ doc: 'Sender of e-mails', default: 'ECAR <no-reply@ecar.tn>', maxLength: 200 }),
  EMAIL_TOKEN_TTL_SECONDS: field.int({ doc: 'Lifetime of e-mail verification and password reset links', default: 1800, min: 60, max: 86400 }),
  UNVERIFIED_ACCOUNT_TTL_SECONDS: field.int({ doc: 'An unconfirmed sign-up expires after this: its links stop working and the next registration of the address starts it over', default: 259200, min: 1, max: 2592000 }),
  MAIL_PER_ADDRESS_PER_HOUR: field.int({ doc: 'Account e-mails (sign-up, verification, reset) sent to one address per hour at most, over every replica', default: 3, min: 1, max: 100 }),
  EMAIL_LINKS_OPEN_MAX: field.int({ doc: 'Reset or verification links of one account valid at the same time at most (the oldest is voided)', default: 3, min: 1, max: 20 }),
  COOKIE_SECURE: fixedInProduction(field.bool({ doc: 'Secure attribute on cookies (required by __Host-; never off in production)', default: true }), true, 'IMP-1'),
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
