import { ADMIN, ADMIN_CUSTOMER, ROLES } from '@ecar/contracts';
import { consentBody, createCustomerBody, customerListQuery, patchCustomerBody } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { CustomerService } from '../domain/customers.ts';
import { customerSummaryView, customerView } from './views.ts';

export function customerRoutes(customers: CustomerService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/customers',
      roles: ROLES,
      query: customerListQuery,
      summary: 'Customers within reach; blind-index lookups by email, phone, CIN or tax ID (technicians: phone only, 403 otherwise)',
      async handle({ caller, query }) {
        const nationalId = query.cin ?? query.taxId;
        const rows = await customers.list(
          caller,
          {
            ...(query.email ? { email: query.email } : {}),
            ...(query.phone ? { phone: query.phone } : {}),
            ...(nationalId ? { nationalId } : {}),
            ...(query.after ? { after: query.after } : {}),
            limit: rowsForPage(query.limit),
          },
          { nationalId: query.cin !== undefined ? 'cin' : 'taxId' },
        );
        return pageById(rows, query.limit, (row) => customerSummaryView(row, caller));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/customers',
      roles: ADMIN,
      body: createCustomerBody,
      success: 201,
      summary: 'Create a customer (walk-in); customers with an account are created from auth events',
      async handle({ caller, body: { cin, taxId, ...body } }) {
        return customerView(await customers.create(caller, { ...body, nationalId: cin ?? taxId ?? null }), caller);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/customers/:id',
      roles: ROLES,
      summary: 'One customer (technicians: name and phone of their jobs’ customers)',
      async handle({ caller, params }) {
        return customerView(await customers.get(caller, params.id), caller);
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/customers/:id',
      roles: ADMIN_CUSTOMER,
      body: patchCustomerBody,
      summary: 'Rectify a customer’s data (the customer themself or a super-admin)',
      async handle({ caller, params, body: { cin, taxId, ...body } }) {
        const identifier = cin !== undefined ? { nationalId: cin, nationalIdKind: 'cin' as const } : taxId !== undefined ? { nationalId: taxId, nationalIdKind: 'taxId' as const } : {};
        return customerView(await customers.update(caller, params.id, { ...body, ...identifier }), caller);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/customers/:id/consent',
      roles: ADMIN_CUSTOMER,
      body: consentBody,
      summary: 'Record that the customer gave or withdrew consent, and how',
      async handle({ caller, params, body }) {
        return customerView(await customers.recordConsent(caller, params.id, body.given, body.method), caller);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/customers/:id/anonymise',
      roles: ADMIN,
      summary: 'Replace the customer’s personal data with placeholders (refused while work orders are active)',
      async handle({ caller, params }) {
        return customerView(await customers.anonymise(caller, params.id), caller);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/customers/:id/export',
      roles: ADMIN_CUSTOMER,
      summary: 'Everything held about the customer (right of access), as JSON',
      async handle({ caller, params, res }) {
        res.setHeader('Content-Disposition', `attachment; filename="customer-${params.id}.json"`);
        return customers.export(caller, params.id);
      },
    }),
  ];
}
