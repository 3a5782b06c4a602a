import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { buildEvent } from '@ecar/contracts';
import { AMQP_URL, AMQP_USER, waitFor as waitForBase } from '@ecar/testkit';
import { call } from '../support/stack.ts';
import { createCustomer, expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

let stack: GarageStack;

/** Events reach audit through two outboxes and the broker; allow for a slow machine. */
async function waitFor<T>(probe: () => Promise<T | undefined>, options: { what: string }): Promise<T> {
  return waitForBase(probe, { ...options, timeoutMs: 30_000 });
}
let admin: string;

async function auditItems(query: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.audit!.url, `/api/v1/audit/events?${query}`, { token: admin });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

async function publish(envelope: ReturnType<typeof buildEvent>): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(stack.bus.exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id, contentType: 'application/json', userId: AMQP_USER });
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}

describe('garage customers: profiles from auth users, rectification, consent, export, anonymisation, access records', () => {
  before(async () => {
    stack = await startGarageStack('garagecust', { audit: true });
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('reading a customer produces an access record the audit API returns (actor, subject, fields read)', async () => {
    const customer = await createCustomer(stack, admin);
    const reader = randomUUID();
    const token = stack.token('super-admin', reader);
    await expectStatus(stack.call(`/api/v1/customers/${String(customer['id'])}`, { token, headers: { 'user-agent': 'garage-e2e' } }), 200);
    const record = await waitFor(
      async () => (await auditItems(`subject=customer:${String(customer['id'])}&action=access`)).find((item) => (item['actor'] as Record<string, unknown>)['id'] === reader),
      { what: 'the access record in audit' },
    );
    assert.equal(record['type'], 'garage.customer.accessed');
    assert.equal((record['actor'] as Record<string, unknown>)['role'], 'super-admin');
    assert.equal((record['actor'] as Record<string, unknown>)['userAgent'], 'garage-e2e');
    const data = record['data'] as Record<string, unknown>;
    assert.deepEqual(data['customerIds'], [customer['id']]);
    assert.deepEqual(data['fields'], ['name', 'phone', 'email', 'address', 'nationalId']);
    assert.equal(data['purpose'], 'detail');
  });

  it('a list read is one access record naming every customer on the page', async () => {
    const a = await createCustomer(stack, admin);
    const b = await createCustomer(stack, admin);
    const reader = randomUUID();
    const list = await expectStatus(stack.call('/api/v1/customers?limit=100', { token: stack.token('super-admin', reader) }), 200);
    const ids = (list['items'] as Array<Record<string, unknown>>).map((item) => item['id']);
    const record = await waitFor(async () => (await auditItems(`actor=${reader}&type=garage.customer.accessed`))[0], { what: 'the list access record' });
    const named = (record['data'] as Record<string, unknown>)['customerIds'] as string[];
    assert.deepEqual([...named].sort(), [...ids].sort());
    assert.ok(named.includes(String(a['id'])) && named.includes(String(b['id'])));
    assert.equal((await auditItems(`actor=${reader}&type=garage.customer.accessed`)).length, 1);
  });

  it('rectification by the customer is audited with a masked before/after diff', async () => {
    const userId = randomUUID();
    const customer = await createCustomer(stack, admin, { userId });
    const token = stack.token('customer', userId);
    const updated = await expectStatus(
      stack.call(`/api/v1/customers/${String(customer['id'])}`, { method: 'PATCH', token, json: { phone: '+216 98 765 432', address: '1 avenue Habib Bourguiba, Sfax' } }),
      200,
    );
    assert.equal(updated['phone'], '+21698765432');
    const event = await waitFor(async () => (await auditItems(`subject=customer:${String(customer['id'])}&type=garage.customer.updated`))[0], { what: 'the update in audit' });
    assert.equal((event['actor'] as Record<string, unknown>)['id'], userId);
    assert.equal(event['action'], 'update');
    const changes = event['changes'] as Record<string, [unknown, unknown]>;
    assert.deepEqual(changes['phone'], ['***', '***']);
    assert.deepEqual(changes['address'], ['***', '***']);
    assert.ok(!JSON.stringify(event).includes('98765432'), 'the new phone number is not in the audit log');
    const forbidden = await stack.call(`/api/v1/customers/${String(customer['id'])}`, { method: 'PATCH', token, json: { userId: randomUUID() } });
    assert.equal(forbidden.status, 400, 'mass assignment of userId is refused');
    assert.ok((forbidden.body['errors'] as Array<{ code: string }>).some((error) => error.code === 'unknown_field'));
  });

  it('validates Tunisian formats: phone, CIN, matricule fiscal (8 and 13 characters), e-mail', async () => {
    const bad: Array<Record<string, unknown>> = [
      { kind: 'person', name: 'X', phone: '+33612345678' },
      { kind: 'person', name: 'X', cin: '1234567' },
      { kind: 'company', name: 'X', taxId: '1234567/I/A/M/000' },
      { kind: 'person', name: 'X', taxId: '1234567/X/A/M/000' },
      { kind: 'person', name: 'X', email: 'not-an-email' },
    ];
    for (const json of bad) assert.equal((await stack.call('/api/v1/customers', { method: 'POST', token: admin, json })).status, 400, JSON.stringify(json));
    const long = await createCustomer(stack, admin, { kind: 'company', name: 'Garage Sarl', cin: undefined, taxId: '1234567XAM000' });
    assert.equal(long['taxId'], '1234567/X/A/M/000');
    const short = await createCustomer(stack, admin, { kind: 'company', name: 'Petite Sarl', cin: undefined, taxId: '7654321/Z' });
    assert.equal(short['taxId'], '7654321/Z');
  });

  it('records consent and its withdrawal', async () => {
    const customer = await createCustomer(stack, admin, { consentMethod: undefined });
    const id = String(customer['id']);
    const given = await expectStatus(stack.call(`/api/v1/customers/${id}/consent`, { method: 'POST', token: admin, json: { given: true, method: 'written-form' } }), 200);
    assert.equal((given['consent'] as Record<string, unknown>)['method'], 'written-form');
    assert.ok((given['consent'] as Record<string, unknown>)['givenAt']);
    const withdrawn = await expectStatus(stack.call(`/api/v1/customers/${id}/consent`, { method: 'POST', token: admin, json: { given: false, method: 'electronic' } }), 200);
    assert.ok((withdrawn['consent'] as Record<string, unknown>)['withdrawnAt']);
  });

  it('exports everything held about the customer to the customer, and records the export', async () => {
    const userId = randomUUID();
    const customer = await createCustomer(stack, admin, { userId });
    const id = String(customer['id']);
    await expectStatus(
      stack.call('/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId: id, plate: '777 TU 7777', make: 'Peugeot', model: '208', year: 2021, mileageKm: 1000 } }),
      201,
    );
    const exported = await expectStatus(stack.call(`/api/v1/customers/${id}/export`, { token: stack.token('customer', userId) }), 200);
    assert.equal((exported['customer'] as Record<string, unknown>)['email'], customer['email']);
    assert.equal((exported['vehicles'] as Array<Record<string, unknown>>)[0]?.['plate'], '777 TU 7777');
    assert.ok(Array.isArray(exported['workOrders']) && Array.isArray(exported['appointments']) && Array.isArray(exported['documents']));
    const record = await waitFor(
      async () => (await auditItems(`subject=customer:${id}&type=garage.customer.accessed`)).find((item) => (item['data'] as Record<string, unknown>)['purpose'] === 'export'),
      { what: 'the export access record' },
    );
    assert.equal((record['actor'] as Record<string, unknown>)['id'], userId);
  });

  it('anonymises a customer (placeholders, same id) but refuses while a work order is open', async () => {
    const customer = await createCustomer(stack, admin);
    const id = String(customer['id']);
    const vehicle = await expectStatus(
      stack.call('/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId: id, plate: '888 TU 8888', make: 'Kia', model: 'Rio', year: 2018, mileageKm: 90000 } }),
      201,
    );
    const order = await expectStatus(stack.call('/api/v1/work-orders', { method: 'POST', token: admin, json: { customerId: id, vehicleId: vehicle['id'], complaint: 'Noise' } }), 201);
    assert.equal((await stack.call(`/api/v1/customers/${id}/anonymise`, { method: 'POST', token: admin })).status, 409);
    await expectStatus(stack.call(`/api/v1/work-orders/${String(order['id'])}/status`, { method: 'POST', token: admin, json: { status: 'cancelled' } }), 200);
    const anonymised = await expectStatus(stack.call(`/api/v1/customers/${id}/anonymise`, { method: 'POST', token: admin }), 200);
    assert.equal(anonymised['id'], id);
    assert.equal(anonymised['phone'], null);
    assert.equal(anonymised['email'], null);
    assert.equal(anonymised['cin'], null);
    assert.match(String(anonymised['name']), /^Anonymised customer/);
    assert.ok(anonymised['anonymisedAt']);
    const plateLookup = await expectStatus(stack.call(`/api/v1/vehicles?plate=${encodeURIComponent('888 TU 8888')}`, { token: admin }), 200);
    assert.equal((plateLookup['items'] as unknown[]).length, 0, 'the plate is gone');
    await waitFor(async () => (await auditItems(`subject=customer:${id}&type=garage.customer.anonymised`))[0], { what: 'the anonymisation in audit' });
  });

  it('auth.user.created for a customer creates their profile once (even delivered twice), other roles get none; auth.user.updated updates it', async () => {
    const userId = randomUUID();
    const created = buildEvent({
      type: 'auth.user.created',
      producer: 'auth',
      correlationId: `user-${userId}`,
      actor: { system: 'test' },
      subject: { type: 'user', id: userId },
      data: { email: 'Amira.Ben@Example.tn', role: 'customer' },
    });
    await publish(created);
    await publish(created);
    const technicianId = randomUUID();
    await publish(
      buildEvent({
        type: 'auth.user.created',
        producer: 'auth',
        correlationId: `user-${technicianId}`,
        actor: { system: 'test' },
        subject: { type: 'user', id: technicianId },
        data: { email: 'tech@example.tn', role: 'technician' },
      }),
    );
    const token = stack.token('customer', userId);
    const profile = await waitFor(
      async () => {
        const list = await stack.call('/api/v1/customers', { token });
        return (list.body['items'] as unknown[] | undefined)?.length ? (list.body['items'] as Array<Record<string, unknown>>) : undefined;
      },
      { what: 'the profile created from the auth event' },
    );
    assert.equal(profile.length, 1);
    assert.equal(profile[0]?.['email'], 'amira.ben@example.tn');
    assert.equal(profile[0]?.['userId'], userId);
    const byEmail = await expectStatus(stack.call(`/api/v1/customers?email=${encodeURIComponent('amira.ben@example.tn')}`, { token: admin }), 200);
    assert.equal((byEmail['items'] as unknown[]).length, 1, 'one profile despite the duplicate delivery');
    const techByEmail = await expectStatus(stack.call(`/api/v1/customers?email=${encodeURIComponent('tech@example.tn')}`, { token: admin }), 200);
    assert.equal((techByEmail['items'] as unknown[]).length, 0);

    await publish(
      buildEvent({
        type: 'auth.user.updated',
        producer: 'auth',
        correlationId: `user-update-${userId}`,
        actor: { system: 'test' },
        subject: { type: 'user', id: userId },
        data: { email: 'amira.bensalah@example.tn', role: 'customer', userId, displayName: 'Amira Ben Salah' },
      }),
    );
    const renamed = await waitFor(
      async () => {
        const list = await stack.call('/api/v1/customers', { token });
        const row = (list.body['items'] as Array<Record<string, unknown>> | undefined)?.[0];
        return row?.['name'] === 'Amira Ben Salah' ? row : undefined;
      },
      { what: 'the profile updated from auth.user.updated' },
    );
    assert.equal(renamed['email'], 'amira.bensalah@example.tn');
    assert.equal(renamed['id'], profile[0]?.['id'], 'same profile, updated in place');
  });
});
