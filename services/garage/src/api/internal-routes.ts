import { notFound } from '@ecar/errors';
import { PEERS, route, type Route } from '@ecar/runtime';
import { z } from 'zod';
import type { NotificationContacts } from '../domain/notification-contacts.ts';

/**
 * Not routed by the gateway (its allow-list has no `/internal`): only deployables on the internal
 * network reach it, and with mutual TLS only the notify service (its certificate's name, `peers`).
 */
export function internalRoutes(contacts: NotificationContacts): Route[] {
  return [
    route({
      method: 'get',
      path: '/internal/v1/customers/:id/contact',
      roles: 'public',
      peers: PEERS.notify,
      summary: "A customer's phone and e-mail for a notification (internal: notify only; the read is recorded, AUD-4)",
      async handle({ params, client }) {
        const contact = await contacts.contactOf(client.correlationId, params.id);
        if (!contact) throw notFound('Customer not found');
        return contact;
      },
    }),
    route({
      method: 'get',
      path: '/internal/v1/users/:userId/customer',
      roles: 'public',
      peers: PEERS.notify,
      params: z.object({ userId: z.uuid() }).strict(),
      summary: 'The customer profile of an account (internal: notify only)',
      async handle({ params }) {
        const customerId = await contacts.customerOfUser(params.userId);
        if (!customerId) throw notFound('No customer profile for this account');
        return { customerId };
      },
    }),
  ];
}
