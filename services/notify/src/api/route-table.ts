import { ADMIN } from '@ecar/contracts';
import { customerParams, messagesQuery, preferencesBody } from '@ecar/contracts/requests/notify';
import { route, type Route } from '@ecar/runtime';
import type { NotifyContext } from '../domain/context.ts';

const CUSTOMER = ['customer'] as const;

/** Every notify endpoint, in one table (mounted as is; the OpenAPI document and the access matrix come from it). */
export function notifyRoutes(notify: NotifyContext): Route[] {
  const { preferences } = notify;
  return [
    route({
      method: 'get',
      path: '/api/v1/notifications/preferences',
      roles: CUSTOMER,
      summary: "The signed-in customer's channel, language and consents (defaults until they choose)",
      handle: async ({ caller }) => preferences.get(await preferences.ownCustomerId(caller)),
    }),
    route({
      method: 'put',
      path: '/api/v1/notifications/preferences',
      roles: CUSTOMER,
      body: preferencesBody,
      summary: 'Change the signed-in customer\'s channel, language, service messages (opt-out) or marketing consent; effective at once',
      handle: async ({ caller, body }) => preferences.update(caller, await preferences.ownCustomerId(caller), body),
    }),
    route({
      method: 'get',
      path: '/api/v1/notifications/customers/:customerId/preferences',
      roles: ADMIN,
      params: customerParams,
      summary: "A customer's notification preferences (the counter records a choice made in person)",
      handle: ({ params }) => preferences.get(params.customerId),
    }),
    route({
      method: 'put',
      path: '/api/v1/notifications/customers/:customerId/preferences',
      roles: ADMIN,
      params: customerParams,
      body: preferencesBody,
      summary: "Change a customer's notification preferences at the counter (consent recorded as given to staff)",
      handle: ({ caller, params, body }) => preferences.update(caller, params.customerId, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/notifications/messages',
      roles: ADMIN,
      query: messagesQuery,
      summary: 'Messages and their delivery status, newest first (keyset paging with `cursor`); no message text',
      handle: ({ query }) => notify.listMessages(query),
    }),
  ];
}
