import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';
import { GarageDirectory } from '../../services/notify/src/channels/garage-directory.ts';
import { TransientDeliveryError } from '../../services/notify/src/channels/delivery-errors.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

let stack: GarageStack;
let ca: Credential;
const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
const identity = (credential: Credential) => ({ cert: credential.certPem, key: credential.keyPem, ca: ca.certPem });

/**
 * garage's internal contact route over mutual TLS (ENC-6): notify's certificate reads the contact
 * (and the read is recorded, AUD-4); any other deployable's certificate is refused.
 */
describe("notify reads a customer's contact from garage over mutual TLS, and only notify may", () => {
  before(async () => {
    ca = createInternalCa('ECAR notify test CA');
    const garageCert = issueServiceCertificate(ca, { name: 'garage', ...names });
    stack = await startGarageStack('notifymtls', { garageEnv: { ECAR_TLS_CERT: garageCert.certPem, ECAR_TLS_KEY: garageCert.keyPem, ECAR_TLS_CA: ca.certPem } });
  });
  after(async () => {
    await stack?.stop();
  });

  it("notify's certificate gets the contact; the gateway's is refused; an unknown customer is a 404", async () => {
    assert.match(stack.garage.url, /^https:/);
    const caller = { userId: randomUUID(), role: 'super-admin' as const, ip: '127.0.0.1', userAgent: 'notify-mtls-test', correlationId: `mtls-${randomUUID()}` };
    const customer = await stack.garage.domain.useCases.customers.create(caller, { kind: 'person', name: 'Sami Trabelsi', phone: '+21698123456', email: 'sami@notify.ecar.test' });

    const notify = new GarageDirectory(stack.garage.url, identity(issueServiceCertificate(ca, { name: 'notify', ...names })), 3000);
    const contact = await notify.contactOf(customer.id);
    assert.deepEqual([contact.phone, contact.email, contact.anonymised, contact.consentWithdrawn], ['+21698123456', 'sami@notify.ecar.test', false, false]);
    await assert.rejects(notify.contactOf(randomUUID()), /unknown customer/);
    const reads: Array<{ payload: string }> = await stack.garage.context.dataSource.query(`SELECT payload FROM outbox_events WHERE type = 'garage.customer.accessed'`);
    assert.ok(reads.some((row) => JSON.parse(row.payload).data.purpose === 'notification'), 'the read is recorded');

    const gateway = new GarageDirectory(stack.garage.url, identity(issueServiceCertificate(ca, { name: 'gateway', ...names })), 3000);
    await assert.rejects(gateway.contactOf(customer.id), (error: unknown) => error instanceof TransientDeliveryError);
    await assert.rejects(gateway.customerOfUser(randomUUID()), /answered 403/);
  });
});
