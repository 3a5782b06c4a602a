import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { forbidden, notFound } from '@ecar/errors';
import { route, type Route } from '@ecar/runtime';
import { z } from 'zod';
import type { NotificationContacts } from '../domain/notification-contacts.ts';

/** Deployables allowed to call these routes, by the common name of their internal certificate. */
const INTERNAL_CALLERS = ['notify'];

/**
 * With mutual TLS on (production, ENC-6) the client certificate names the deployable: only the
 * notify service may read contacts. Without TLS (development on loopback) the check cannot apply.
 */
function internalCallerOnly(req: Request, _res: Response, next: NextFunction): void {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted && typeof socket.getPeerCertificate === 'function') {
    const name = socket.getPeerCertificate().subject?.CN;
    if (typeof name !== 'string' || !INTERNAL_CALLERS.includes(name)) {
      next(forbidden('This internal route is for the notify service only'));
      return;
    }
  }
  next();
}

/**
 * Not routed by the gateway (its allow-list has no `/internal`): only deployables on the internal
 * network reach it, and with mutual TLS only the notify service (its certificate's name).
 */
export function internalRoutes(contacts: NotificationContacts): Route[] {
  return [
    route({
      method: 'get',
      path: '/internal/v1/customers/:id/contact',
      roles: 'public',
      guards: [internalCallerOnly],
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
      guards: [internalCallerOnly],
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
