import { commonFields, field, FieldError, loadConfig, type Field } from '@ecar/config';
import { assertAllowedDestination } from '@ecar/observability';

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

export const notifyConfigSpec = {
  ...commonFields('notify', 3006),
  GARAGE_URL: field.url({ doc: "Base URL of the garage service: customers' contacts are read there at send time (https with mutual TLS in production)", default: 'http://127.0.0.1:3002', protocols: ['http:', 'https:'] }),
  GARAGE_TIMEOUT_MS: field.int({ doc: 'Time the garage has to answer a contact lookup', default: 3_000, min: 100, max: 30_000 }),
  SMS_PROVIDER: field.oneOf({ doc: 'SMS gateway adapter: `http-json` (POST {to, from, text, reference} with a bearer key)', values: ['http-json'] as const, default: 'http-json' }),
  SMS_GATEWAY_URL: requiredInProduction(
    field.optionalUrl({ doc: 'URL of the SMS gateway (its host must be on OUTBOUND_ALLOWLIST, RES-3); unset in development = SMS are only logged (id, no content)', protocols: ['https:', 'http:'] }),
    'customer SMS',
  ),
  SMS_API_KEY: field.secretString({ doc: 'Bearer key of the SMS gateway', minLength: 8, optional: true }),
  SMS_SENDER: field.string({ doc: 'Sender name shown on SMS', default: 'ECAR', maxLength: 11 }),
  SMS_TIMEOUT_MS: field.int({ doc: 'Time the SMS gateway has to answer', default: 10_000, min: 100, max: 60_000 }),
  SMTP_URL: requiredInProduction(
    field.secretString({ doc: 'SMTP relay (smtp://user:pass@host:port or smtps://…); unset in development = e-mails are only logged (id, no content)', minLength: 12, optional: true }),
    'customer e-mails',
  ),
  SMTP_ALLOWED_HOSTS: field.list({ doc: 'SMTP relays allowed (RES-3)', default: ['127.0.0.1', 'localhost'] }),
  MAIL_FROM: field.string({ doc: 'Sender of e-mails', default: 'ECAR <no-reply@ecar.tn>', maxLength: 200 }),
  DELIVERY_RETRY_DELAYS_MS: field.list({
    doc: 'Delays before each new delivery attempt after a gateway or relay failure (the bus retry queues); after the last the message is failed',
    default: ['5000', '30000', '120000', '600000'],
    item: /^[1-9]\d{1,7}$/,
  }),
  RATE_LIMIT_PER_CUSTOMER: field.int({ doc: 'Messages a customer receives at most per window (the rest are suppressed as rate_limited)', default: 6, min: 1, max: 1000 }),
  RATE_LIMIT_WINDOW_MINUTES: field.int({ doc: 'Window of the per-customer rate limit', default: 60, min: 1, max: 7 * 24 * 60 }),
  NOTIFY_TIME_ZONE: field.string({ doc: 'Time zone of the dates and times in messages (IANA name)', default: 'Africa/Tunis', pattern: /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/ }),
  NOTIFY_PAGE_MAX: field.int({ doc: 'Hard maximum page size of the message list', default: 100, min: 1, max: 500 }),
};

/** Also refuses, before anything opens, an SMS gateway whose host is not on OUTBOUND_ALLOWLIST (RES-3). */
export function loadNotifyConfig(env: NodeJS.ProcessEnv = process.env) {
  const loaded = loadConfig('notify', notifyConfigSpec, env);
  const { SMS_GATEWAY_URL, OUTBOUND_ALLOWLIST } = loaded.values;
  if (SMS_GATEWAY_URL) assertAllowedDestination('SMS_GATEWAY_URL', SMS_GATEWAY_URL, OUTBOUND_ALLOWLIST);
  return loaded;
}

export type NotifyConfig = ReturnType<typeof loadNotifyConfig>['values'];
