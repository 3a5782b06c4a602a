import { assertStrongSecret, field, FieldError, type Field } from './fields.ts';

/**
 * The deployable's internal TLS identity (ENC-6): its certificate and key, and the internal CA
 * that signs every peer. Required in production; development runs plain HTTP on loopback.
 */
export function internalTlsFields() {
  return {
    ECAR_TLS_CERT: field.pem({ doc: 'PEM certificate of this deployable (server and client auth)', requiredInProduction: true }),
    ECAR_TLS_KEY: field.pem({ doc: 'PEM private key of this deployable', requiredInProduction: true }),
    ECAR_TLS_CA: field.pem({ doc: 'PEM certificate of the internal CA', requiredInProduction: true }),
  };
}

/**
 * The broker user each service publishes as (`{producer}` = the service's name): consumers apply
 * an event only when RabbitMQ's validated `user-id` is its producer's user (issue 12, finding 3).
 * Production defaults to one user per service, `ecar_{producer}` (infra/rabbitmq/definitions.json);
 * development and tests default to one shared user (empty), and the boot banner says that
 * producers are then not told apart.
 */
const PRODUCTION_PRODUCER_USERS = 'ecar_{producer}';

export function producerUsersField(): Field<string> {
  return {
    doc: 'Broker user of each producing service, {producer} standing for its name (production default: ecar_{producer}); empty = all services share this service\'s broker user (development default)',
    secret: false,
    parse(raw, context) {
      const value = (raw ?? '').trim();
      if (value === '') {
        if (context.mode === 'production') return PRODUCTION_PRODUCER_USERS;
        context.warn(`${context.name} unset: every service shares one broker user, so a consumer cannot tell producers apart (development only)`);
        return '';
      }
      if (!/^[A-Za-z0-9._{}-]{1,128}$/.test(value)) throw new FieldError(`${context.name} is not a user name pattern`);
      if (context.mode === 'production' && !value.includes('{producer}')) throw new FieldError(`${context.name} must name one broker user per service in production (contain {producer})`);
      return value;
    },
  };
}

/**
 * verify-full only (finding 9 of issue 12): `require` and `verify-ca` accept any server
 * certificate, or one issued to another host, so a man in the middle would pass.
 */
function postgresVerifyFull(url: URL): string | undefined {
  return url.searchParams.get('sslmode') === 'verify-full'
    ? undefined
    : 'production connects to PostgreSQL over TLS and checks the server certificate and host: add ?sslmode=verify-full (ENC-6)';
}

/**
 * DATABASE_MIGRATION_URL: the schema owner's URL (issue 12, finding 2). Migrations run as it and
 * grant DATABASE_URL's role data privileges only. `requiredInProduction` for the services whose
 * tables guard themselves (audit's append-only log, billing's issued invoices): without it the
 * runtime role would own them and could disable their triggers, so production refuses to start.
 */
function migrationUrlField(database: string, requiredInProduction: boolean): Field<string | undefined> {
  const plain = field.url({ doc: '', protocols: ['postgres:', 'postgresql:'] });
  return {
    doc: `PostgreSQL URL of the role that owns the ${database} schema (${database}_owner): migrations run as it, then grant DATABASE_URL's role only what it needs; ${
      requiredInProduction ? 'required in production' : 'unset = the runtime role owns its tables'
    }`,
    secret: true,
    parse(raw, context) {
      if (raw === undefined || raw === '') {
        if (requiredInProduction && context.mode === 'production') {
          throw new FieldError(`${context.name} is required in production (set ${context.name} or ${context.name}_FILE): migrations run as ${database}_owner, so ${database} cannot alter its own tables`);
        }
        return undefined;
      }
      const value = plain.parse(raw, context);
      if (context.mode === 'production') {
        const url = new URL(value);
        const password = decodeURIComponent(url.password);
        if (!password) throw new FieldError(`${context.name} has no password; production needs one`);
        assertStrongSecret(`${context.name} password`, password, 16);
        const tlsProblem = postgresVerifyFull(url);
        if (tlsProblem) throw new FieldError(`${context.name}: ${tlsProblem}`);
      }
      return value;
    },
  };
}

/**
 * Keys every service deployable shares. `schemaOwner`: the service's migrations must run as a
 * separate owner role in production (DATABASE_MIGRATION_URL required).
 */
export function commonFields(service: string, port: number, options: { schemaOwner?: boolean } = {}) {
  const database = `ecar_${service}`;
  return {
    PORT: field.port({ doc: `HTTP port of the ${service} service`, default: port }),
    HOST: field.string({ doc: 'Address to listen on', default: '127.0.0.1' }),
    DATABASE_URL: field.secretUrl({
      doc: `PostgreSQL URL of the ${database} database (own role, least privilege)`,
      dev: `postgres://${database}:ecar-dev-password-${service}@127.0.0.1:5432/${database}`,
      protocols: ['postgres:', 'postgresql:'],
      productionTls: postgresVerifyFull,
    }),
    DATABASE_MIGRATION_URL: migrationUrlField(database, options.schemaOwner === true),
    AMQP_URL: field.secretUrl({
      doc: 'RabbitMQ URL (amqps:// in production)',
      dev: 'amqp://guest:guest@127.0.0.1:5672',
      protocols: ['amqp:', 'amqps:'],
      productionTls: (url) => (url.protocol === 'amqps:' ? undefined : 'production connects to RabbitMQ over TLS: use amqps:// (ENC-6)'),
    }),
    BUS_EXCHANGE: field.string({ doc: 'Topic exchange of domain events', default: 'ecar.events', pattern: /^[a-z0-9._-]+$/ }),
    BUS_PRODUCER_USERS: producerUsersField(),
    BUS_QUEUE_PREFIX: field.string({ doc: 'Prefix of this deployment\'s queue names (tests isolate with it)', default: '', pattern: /^[a-z0-9._-]*$/ }),
    AUTH_JWKS_URL: field.url({ doc: 'JWKS of the auth service', default: 'http://127.0.0.1:3001/.well-known/jwks.json', protocols: ['http:', 'https:'] }),
    JWT_ISSUER: field.string({ doc: 'iss of access tokens', default: 'ecar-auth' }),
    JWT_AUDIENCE: field.string({ doc: 'aud of access tokens', default: 'ecar-api' }),
    REVOCATION_GRACE_MS: field.int({ doc: 'How long the revoked-session deny-list is trusted once unfed (broker lost and auth not answering); past it authenticated requests get 503', default: 10_000, min: 1_000, max: 60_000 }),
    ...internalTlsFields(),
    TRUST_PROXY: field.string({ doc: 'Express "trust proxy": addresses of the gateway allowed to set X-Forwarded-For', default: 'loopback' }),
    SENTRY_DSN: field.optionalUrl({ doc: 'Sentry DSN (self-hosted or allow-listed host, AUD-3); unset = error reporting off', protocols: ['https:', 'http:'] }),
    OUTBOUND_ALLOWLIST: field.list({ doc: 'Hosts (host or host:port) this service may send to: Sentry, SMTP relay, webhooks (RES-3)', default: [], item: /^[a-z0-9.-]+(:\d{1,5})?$/i }),
    LOG_LEVEL: field.oneOf({ doc: 'winston level', values: ['error', 'warn', 'info', 'debug'] as const, default: 'info' }),
  };
}
