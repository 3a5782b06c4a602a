import { after, before, describe } from 'node:test';
import type { Role } from '@ecar/contracts';
import { accessMatrixTests, reach, same, type Expect, type MatrixCase } from '../support/access-matrix.ts';
import { createCustomer, type TestCustomer } from '../support/notify-fixtures.ts';
import { startNotifyStack, type NotifyStack } from '../support/notify-stack.ts';

let stack: NotifyStack;
let admin: string;

/** The signed-in customer's own preferences: customers only (a route on "me", so other = own). */
const customerOnly = (status: number): Expect => ({ 'super-admin': same(403), technician: same(403), customer: same(status) });
const adminOnly = (status: number) => reach(status, 'role-denied', 'role-denied');
const ofCustomer = (w: TestCustomer) => `/api/v1/notifications/customers/${w.id}/preferences`;

const MATRIX: Record<string, MatrixCase<TestCustomer>> = {
  'GET /api/v1/notifications/preferences': { path: () => '/api/v1/notifications/preferences', expect: customerOnly(200) },
  'PUT /api/v1/notifications/preferences': { path: () => '/api/v1/notifications/preferences', body: () => ({ language: 'ar' }), expect: customerOnly(200) },
  'GET /api/v1/notifications/customers/:customerId/preferences': { path: ofCustomer, expect: adminOnly(200) },
  'PUT /api/v1/notifications/customers/:customerId/preferences': { path: ofCustomer, body: () => ({ channel: 'both' }), expect: adminOnly(200) },
  'GET /api/v1/notifications/messages': { path: (w) => `/api/v1/notifications/messages?customerId=${w.id}`, expect: adminOnly(200) },
};

function tokenFor(role: Role, own: TestCustomer): string {
  if (role === 'customer') return stack.token('customer', own.userId);
  if (role === 'technician') return stack.token('technician');
  return admin;
}

describe('notify access-control matrix: every route × role × own/other, on the service and through the gateway', () => {
  before(async () => {
    stack = await startNotifyStack('notifymatrix');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  accessMatrixTests(
    {
      routes: () => stack.notify.routes,
      urls: () => [stack.notify.url, stack.gateway.url],
      world: () => createCustomer(stack),
      token: tokenFor,
    },
    MATRIX,
  );
});
