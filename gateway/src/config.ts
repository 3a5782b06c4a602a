import { field, FieldError, internalTlsFields, loadConfig, producerUsersField, type Field } from '@ecar/config';

const upstream = (service: string, port: number) =>
  field.url({ doc: `Base URL of the ${service} service (https with mutual TLS in production)`, default: `http://127.0.0.1:${port}`, protocols: ['http:', 'https:'] });

/**
 * Whether the gateway itself listens with mutual TLS (nginx its only client, finding 9 of issue
 * 12): always in production, refused off there; off by default elsewhere (`npm start` and the
 * tests talk plain HTTP to it), on where a test checks the edge listener.
 */
function listenTlsField(): Field<boolean> {
  const plain = field.bool({ doc: '', default: false });
  return {
    doc: 'Listen with mutual TLS from the internal CA, serving only the peer whose certificate names nginx (production: always; elsewhere default off)',
    secret: false,
    parse(raw, context) {
      if (context.mode !== 'production') return plain.parse(raw, context);
      if (raw !== undefined && raw !== '' && !plain.parse(raw, context)) throw new FieldError(`${context.name} cannot be turned off in production`);
      return true;
    },
  };
}

export const gatewayConfigSpec = {
  LISTEN_TLS: listenTlsField(),
  PORT: field.port({ doc: 'HTTP port of the gateway (behind nginx)', default: 8080 }),
  HOST: field.string({ doc: 'Address to listen on', default: '127.0.0.1' }),
  AUTH_URL: upstream('auth', 3001),
  GARAGE_URL: upstream('garage', 3002),
  BILLING_URL: upstream('billing', 3003),
  AUDIT_URL: upstream('audit', 3004),
  BACKUP_URL: upstream('backup', 3005),
  NOTIFY_URL: upstream('notify', 3006),
  AMQP_URL: field.secretUrl({ doc: 'RabbitMQ URL (amqps:// in production): the gateway follows auth.session.revoked', dev: 'amqp://guest:guest@127.0.0.1:5672', protocols: ['amqp:', 'amqps:'] }),
  BUS_EXCHANGE: field.string({ doc: 'Topic exchange of domain events', default: 'ecar.events', pattern: /^[a-z0-9._-]+$/ }),
  BUS_PRODUCER_USERS: producerUsersField(),
  BUS_QUEUE_PREFIX: field.string({ doc: "Prefix of this deployment's queue names (tests isolate with it)", default: '', pattern: /^[a-z0-9._-]*$/ }),
  ACCESS_TOKEN_TTL_SECONDS: field.int({ doc: 'Access token lifetime: how long a revoked session stays on the deny-list', default: 3600, min: 60, max: 3600 }),
  REVOCATION_GRACE_MS: field.int({ doc: 'How long the revoked-session deny-list is trusted once unfed (broker lost and auth not answering); past it authenticated requests get 503', default: 10_000, min: 1_000, max: 60_000 }),
  AUTH_JWKS_URL: field.url({ doc: 'JWKS of the auth service', default: 'http://127.0.0.1:3001/.well-known/jwks.json', protocols: ['http:', 'https:'] }),
  JWT_ISSUER: field.string({ doc: 'iss of access tokens', default: 'ecar-auth' }),
  JWT_AUDIENCE: field.string({ doc: 'aud of access tokens', default: 'ecar-api' }),
  CORS_ORIGINS: field.list({ doc: 'Origins allowed to call the API from a browser', default: ['https://localhost'], item: /^https?:\/\/[a-z0-9.-]+(:\d+)?$/ }),
  TRUST_PROXY_HOPS: field.int({ doc: 'Proxies in front of the gateway (nginx = 1)', default: 1, min: 0, max: 3 }),
  RATE_LIMIT_PER_IP: field.int({ doc: 'Requests per IP per window (NET-4)', default: 300, min: 1 }),
  RATE_LIMIT_PER_USER: field.int({ doc: 'Requests per authenticated user per window (NET-4)', default: 600, min: 1 }),
  RATE_LIMIT_LOGIN_PER_IP: field.int({ doc: 'Login and refresh attempts per IP per window (NET-5)', default: 20, min: 1 }),
  REDIS_URL: field.secretUrl({
    doc: 'Redis holding the rate-limit counters every gateway replica shares (NET-4, NET-5); production needs a strong password',
    dev: 'redis://127.0.0.1:6379',
    protocols: ['redis:', 'rediss:'],
  }),
  REDIS_KEY_PREFIX: field.string({ doc: "Prefix of this deployment's Redis keys (tests isolate with it)", default: 'ecar:', pattern: /^[a-z0-9._:-]*$/ }),
  RATE_LIMIT_WINDOW_MS: field.int({ doc: 'Rate limit window', default: 60_000, min: 1000 }),
  UPSTREAM_TIMEOUT_MS: field.int({ doc: 'Time an upstream has to answer with headers', default: 10_000, min: 100 }),
  BREAKER_RESET_MS: field.int({ doc: 'Time an open circuit waits before a trial request', default: 5_000, min: 100 }),
  BODY_LIMIT_BYTES: field.int({ doc: 'Largest request body forwarded (uploads included)', default: 10 * 1024 * 1024, min: 1024 }),
  ...internalTlsFields(),
  LOG_LEVEL: field.oneOf({ doc: 'winston level', values: ['error', 'warn', 'info', 'debug'] as const, default: 'info' }),
};

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('gateway', gatewayConfigSpec, env);
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>['values'];
