import { getJson, type InternalTls } from '@ecar/tls';
import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors.ts';

export interface Contact {
  customerId: string;
  userId: string | null;
  name: string;
  phone: string | null;
  email: string | null;
  anonymised: boolean;
  /** Withdrawn consent to the processing of their data (garage records it): nothing is sent. */
  consentWithdrawn: boolean;
}

/** Where notify learns how to reach a customer. */
export interface ContactDirectory {
  contactOf(customerId: string): Promise<Contact>;
  /** The customer profile of an account, or undefined when it has none. */
  customerOfUser(userId: string): Promise<string | undefined>;
}

const notFound = (error: unknown) => / answered 404$/.test((error as Error).message);

/**
 * garage's internal routes over mutual TLS (ENC-6): the contact is read at send time and never
 * stored here, so it is always current and an anonymised customer is not contacted.
 */
export class GarageDirectory implements ContactDirectory {
  constructor(
    private readonly baseUrl: string,
    private readonly tls: InternalTls | undefined,
    private readonly timeoutMs: number,
  ) {}

  async contactOf(customerId: string): Promise<Contact> {
    try {
      return (await getJson(new URL(`/internal/v1/customers/${customerId}/contact`, this.baseUrl).toString(), { tls: this.tls, timeoutMs: this.timeoutMs })) as Contact;
    } catch (error) {
      if (notFound(error)) throw new PermanentDeliveryError('unknown customer');
      throw new TransientDeliveryError('garage contact lookup failed');
    }
  }

  async customerOfUser(userId: string): Promise<string | undefined> {
    try {
      const answer = (await getJson(new URL(`/internal/v1/users/${userId}/customer`, this.baseUrl).toString(), { tls: this.tls, timeoutMs: this.timeoutMs })) as { customerId: string };
      return answer.customerId;
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }
}
