import type { CustomerService } from '../domain/customers.ts';
import { ADMIN, ADMIN_CUSTOMER, ALL_ROLES, bodyOf, emptyOk, idOf, page, queryOf, type GarageRoute } from './route.ts';
import { consentBody, createCustomerBody, customerListQuery, patchCustomerBody } from './schemas.ts';
import { customerSummaryView, customerView } from './views.ts';

export function customerRoutes(customers: CustomerService): GarageRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/customers',
      roles: ALL_ROLES,
      query: true,
      summary: 'Customers within reach; blind-index lookups by email, phone, CIN or tax ID',
      async handle(req, res, caller) {
        const query = queryOf(customerListQuery, req);
        const nationalId = query.cin ?? query.taxId;
        const rows = await customers.list(caller, {
          ...(query.email ? { email: query.email } : {}),
          ...(query.phone ? { phone: query.phone } : {}),
          ...(nationalId ? { nationalId } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: query.limit + 1,
        });
        res.json(page(rows, query.limit, (row) => customerSummaryView(row, caller)));
      },
    },
    {
      method: 'post',
      path: '/api/v1/customers',
      roles: ADMIN,
      summary: 'Create a customer (walk-in); customers with an account are created from auth events',
      async handle(req, res, caller) {
        const { cin, taxId, ...body } = bodyOf(createCustomerBody, req);
        const customer = await customers.create(caller, { ...body, nationalId: cin ?? taxId ?? null });
        res.status(201).json(customerView(customer, caller));
      },
    },
    {
      method: 'get',
      path: '/api/v1/customers/:id',
      roles: ALL_ROLES,
      summary: 'One customer (technicians: name and phone of their jobs’ customers)',
      async handle(req, res, caller) {
        res.json(customerView(await customers.get(caller, idOf(req)), caller));
      },
    },
    {
      method: 'patch',
      path: '/api/v1/customers/:id',
      roles: ADMIN_CUSTOMER,
      summary: 'Rectify a customer’s data (the customer themself or a super-admin)',
      async handle(req, res, caller) {
        const id = idOf(req);
        const { cin, taxId, ...body } = bodyOf(patchCustomerBody, req);
        const identifier = cin !== undefined ? { nationalId: cin, nationalIdKind: 'cin' as const } : taxId !== undefined ? { nationalId: taxId, nationalIdKind: 'taxId' as const } : {};
        res.json(customerView(await customers.update(caller, id, { ...body, ...identifier }), caller));
      },
    },
    {
      method: 'post',
      path: '/api/v1/customers/:id/consent',
      roles: ADMIN_CUSTOMER,
      summary: 'Record that the customer gave or withdrew consent, and how',
      async handle(req, res, caller) {
        const id = idOf(req);
        const body = bodyOf(consentBody, req);
        res.json(customerView(await customers.recordConsent(caller, id, body.given, body.method), caller));
      },
    },
    {
      method: 'post',
      path: '/api/v1/customers/:id/anonymise',
      roles: ADMIN,
      summary: 'Replace the customer’s personal data with placeholders (refused while work orders are active)',
      async handle(req, res, caller) {
        const id = idOf(req);
        emptyOk(req);
        res.json(customerView(await customers.anonymise(caller, id), caller));
      },
    },
    {
      method: 'get',
      path: '/api/v1/customers/:id/export',
      roles: ADMIN_CUSTOMER,
      summary: 'Everything held about the customer (right of access), as JSON',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.setHeader('Content-Disposition', `attachment; filename="customer-${id}.json"`);
        res.json(await customers.export(caller, id));
      },
    },
  ];
}
