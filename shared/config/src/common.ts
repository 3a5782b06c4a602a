import { field } from './fields.ts';

/** Keys every service deployable shares. */
export function commonFields(service: string, port: number) {
  const database = `ecar_${service}`;
  return {
    PORT: field.port({ doc: `HTTP port of the ${service} service`, default: port }),
    HOST: field.string({ doc: 'Address to listen on', default: '127.0.0.1' }),
    DATABASE_URL: field.secretUrl({
      doc: `PostgreSQL URL of the ${database} database (own role, least privilege)`,
      dev: `postgres://${database}:ecar-dev-password-${service}@127.0.0.1:5432/${database}`,
      protocols: ['postgres:', 'postgresql:'],
    }),
    AMQP_URL: field.secretUrl({
      doc: 'RabbitMQ URL (amqps:// in production)',
      dev: 'amqp://guest:guest@127.0.0.1:5672',
      protocols: ['amqp:', 'amqps:'],
    }),
    BUS_EXCHANGE: field.string({ doc: 'Topic exchange of domain events', default: 'ecar.events', pattern: /^[a-z0-9._-]+$/ }),
    BUS_QUEUE_PREFIX: field.string({ doc: 'Prefix of this deployment\'s queue names (tests isolate with it)', default: '', pattern: /^[a-z0-9._-]*$/ }),
    AUTH_JWKS_URL: field.url({ doc: 'JWKS of the auth service', default: 'http://127.0.0.1:3001/.well-known/jwks.json', protocols: ['http:', 'https:'] }),
    JWT_ISSUER: field.string({ doc: 'iss of access tokens', default: 'ecar-auth' }),
    JWT_AUDIENCE: field.string({ doc: 'aud of access tokens', default: 'ecar-api' }),
    TRUST_PROXY: field.string({ doc: 'Express "trust proxy": addresses of the gateway allowed to set X-Forwarded-For', default: 'loopback' }),
    LOG_LEVEL: field.oneOf({ doc: 'winston level', values: ['error', 'warn', 'info', 'debug'] as const, default: 'info' }),
  };
}
