import { newEvent, type SystemCaller } from '@ecar/contracts';
import type { GarageContext } from './garage.ts';

/** What the notify service needs to reach a customer: read at send time, never copied into events. */
export interface NotificationContact {
  customerId: string;
  userId: string | null;
  name: string;
  phone: string | null;
  email: string | null;
  /** An anonymised customer is not contacted any more (the contact is gone). */
  anonymised: boolean;
  /** The customer withdrew their consent to the processing of their data (law 2004-63): no messages. */
  consentWithdrawn: boolean;
}

/**
 * The notify service asks for a customer's phone and e-mail right before it sends (over the
 * internal network, mutual TLS): the address is current, an anonymised customer has none, and the
 * read is recorded like any other (AUD-4, purpose `notification`).
 */
export class NotificationContacts {
  constructor(private readonly garage: GarageContext) {}

  async contactOf(correlationId: string, customerId: string): Promise<NotificationContact | undefined> {
    const author: SystemCaller = { system: 'notify', correlationId };
    return this.garage.unitOfWork.run(async (db) => {
      const customer = await this.garage.customers.findById(db, customerId, ['phone', 'email']);
      if (!customer) return { result: undefined, events: [] };
      const anonymised = customer.anonymisedAt !== null;
      const contact: NotificationContact = {
        customerId,
        userId: customer.userId,
        name: anonymised ? '' : customer.name,
        phone: anonymised ? null : customer.phone,
        email: anonymised ? null : customer.email,
        anonymised,
        consentWithdrawn: customer.consentWithdrawnAt !== null,
      };
      const subject = { type: 'customer', id: customerId, ...(customer.userId ? { ownerId: customer.userId } : {}) };
      const event = newEvent(author, 'garage.customer.accessed', subject, { customerIds: [customerId], fields: ['name', 'phone', 'email'], purpose: 'notification' });
      return { result: contact, events: anonymised ? [] : [event] };
    });
  }

  /** The customer profile of an account (the notify service keys preferences by customer). */
  async customerOfUser(userId: string): Promise<string | undefined> {
    const customer = await this.garage.customers.findByUserId(this.garage.dataSource.manager, userId, []);
    return customer?.id;
  }
}
