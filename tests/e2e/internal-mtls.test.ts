import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { clientTlsOptions, createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls';
import type { RunningService } from '@ecar/runtime';
import { startBackupService } from '../../services/backup/src/service.ts';
import { startAuditService } from '../../services/audit/src/service.ts';

let database: TestDatabase;
let bus: BusNamespace;
let service: RunningService;
let ca: Credential;
let gatewayCert: Credential;

function get(url: string, options: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https') ? https : http).get(url, { ...options, timeout: 3000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

describe('internal mutual TLS between deployables (ENC-6)', () => {
  before(async () => {
    database = await createTestDatabase('mtls');
    bus = createBusNamespace('mtls');
    ca = createInternalCa('ECAR test CA');
    const audit = issueServiceCertificate(ca, { name: 'audit', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    gatewayCert = issueServiceCertificate(ca, { name: 'gateway' });
    service = await startAuditService({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      DATABASE_URL: database.url,
      BUS_EXCHANGE: bus.exchange,
      BUS_QUEUE_PREFIX: bus.queuePrefix,
      ECAR_TLS_CERT: audit.certPem,
      ECAR_TLS_KEY: audit.keyPem,
      ECAR_TLS_CA: ca.certPem,
    });
  });
  after(async () => {
    await service?.stop();
    await bus?.cleanup([`${bus.queuePrefix}audit.all`, `${bus.queuePrefix}audit.all.dlq`]);
    await database?.drop();
  });

  it('serves HTTPS to a client holding a certificate of the internal CA', async () => {
    assert.match(service.url, /^https:/);
    const tls = clientTlsOptions({ cert: gatewayCert.certPem, key: gatewayCert.keyPem, ca: ca.certPem });
    assert.equal(await get(`${service.url}/health/live`, tls), 200);
  });

  it('refuses clients without a certificate, with one from another CA, and plain HTTP', async () => {
    await assert.rejects(get(`${service.url}/health/live`, { ca: ca.certPem }));
    const rogueCa = createInternalCa('rogue CA');
    const rogue = issueServiceCertificate(rogueCa, { name: 'gateway' });
    await assert.rejects(get(`${service.url}/health/live`, { cert: rogue.certPem, key: rogue.keyPem, ca: ca.certPem }));
    await assert.rejects(get(service.url.replace('https:', 'http:') + '/health/live', {}));
  });

  it('a client refuses a server whose certificate is not from the internal CA', async () => {
    const rogueCa = createInternalCa('rogue CA');
    await assert.rejects(get(`${service.url}/health/live`, { cert: gatewayCert.certPem, key: gatewayCert.keyPem, ca: rogueCa.certPem }));
  });

  it('production refuses to start a service without its TLS identity', async () => {
    await assert.rejects(
      startBackupService({ NODE_ENV: 'production' }),
      (error: Error) => /ECAR_TLS_CERT is required in production/.test(error.message),
    );
  });
});
