import type { Logger } from '@ecar/logger';
import { assertAllowedDestination } from '@ecar/observability';
import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors.ts';

export interface SmsMessage {
  /** E.164 or the national form the garage stored (+216 …). */
  to: string;
  text: string;
  /** The message id: a provider that deduplicates on it never sends a redelivered message twice. */
  reference: string;
}

/** One SMS provider. Adapters answer the provider's id of the message, or throw a delivery error. */
export interface SmsGateway {
  send(message: SmsMessage): Promise<string | null>;
}

/**
 * The `http-json` adapter: `POST <SMS_GATEWAY_URL>` with `{ to, from, text, reference }` and
 * `Authorization: Bearer <SMS_API_KEY>`; a 2xx answer `{ id }` is sent, a 4xx a refusal (failed at
 * once), a 5xx, a timeout or a network error an outage (retried). The host must be on
 * OUTBOUND_ALLOWLIST (RES-3): the constructor throws otherwise, so the service does not start.
 */
export class HttpJsonSmsGateway implements SmsGateway {
  private readonly url: URL;

  constructor(
    url: string,
    allowlist: readonly string[],
    private readonly options: { apiKey?: string | undefined; sender: string; timeoutMs: number },
  ) {
    this.url = assertAllowedDestination('SMS_GATEWAY_URL', url, allowlist);
  }

  async send(message: SmsMessage): Promise<string | null> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify({ to: message.to, from: this.options.sender, text: message.text, reference: message.reference }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new TransientDeliveryError(`SMS gateway unreachable (${(error as Error).name})`);
    }
    const body = (await response.json().catch(() => ({}))) as { id?: unknown };
    if (response.status >= 500 || response.status === 429) throw new TransientDeliveryError(`SMS gateway answered HTTP ${response.status}`);
    if (response.status >= 400) throw new PermanentDeliveryError(`SMS gateway refused the message (HTTP ${response.status})`);
    return typeof body.id === 'string' ? body.id.slice(0, 200) : null;
  }
}

/** Development without a gateway: the message id goes to the log, never the number or the text. */
export class DevelopmentLogSms implements SmsGateway {
  constructor(private readonly logger: Logger) {}

  async send(message: SmsMessage): Promise<string | null> {
    this.logger.warn('development mode: SMS not sent (SMS_GATEWAY_URL unset)', { reference: message.reference });
    return null;
  }
}

export interface SmsSettings {
  SMS_PROVIDER: 'http-json';
  SMS_GATEWAY_URL?: string | undefined;
  SMS_API_KEY?: string | undefined;
  SMS_SENDER: string;
  SMS_TIMEOUT_MS: number;
  OUTBOUND_ALLOWLIST?: readonly string[];
}

/** The adapter of the configured provider (one today); throws at start for a host not allow-listed. */
export function smsGatewayFrom(config: SmsSettings, logger: Logger): SmsGateway {
  if (!config.SMS_GATEWAY_URL) return new DevelopmentLogSms(logger);
  return new HttpJsonSmsGateway(config.SMS_GATEWAY_URL, config.OUTBOUND_ALLOWLIST ?? [], { apiKey: config.SMS_API_KEY, sender: config.SMS_SENDER, timeoutMs: config.SMS_TIMEOUT_MS });
}
