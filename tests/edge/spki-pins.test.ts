/**
 * ENC-7 (server side): the pins that infra/certbot/spki-pins.sh computes for publication are
 * exactly the SPKI hashes of the keys nginx serves, for both certificates (ECDSA and RSA),
 * and the offline backup key yields a distinct, valid pin.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { requireBinary } from '../infra/support/binaries.ts';
import { SERVER_NAME, startNginx, startUpstream } from './support/edge-harness.ts';
import type { RunningNginx, Upstream } from './support/edge-harness.ts';

const SCRIPT = fileURLToPath(new URL('../../infra/certbot/spki-pins.sh', import.meta.url));

let upstream: Upstream;
let nginx: RunningNginx;

before(async () => {
  upstream = await startUpstream();
  nginx = await startNginx(upstream.port);
});

after(async () => {
  await nginx?.stop();
  await upstream?.close();
});

function published(...files: string[]): string[] {
  const result = spawnSync('bash', [SCRIPT, ...files], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0] ?? '');
}

/** The pin of the key the server actually presents when the client offers `cipher`. */
function servedPin(cipher: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: nginx.options.httpsPort,
      servername: SERVER_NAME,
      ca: nginx.certificates.ca,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: cipher,
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      socket.end();
      if (!certificate) reject(new Error('the server presented no certificate'));
      else resolve(`sha256/${createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`);
    });
    socket.once('error', reject);
  });
}

test('the published pins match the ECDSA and RSA keys nginx serves', async () => {
  const [ecdsaPin, rsaPin] = published(nginx.certificates.ecdsaCert, nginx.certificates.rsaCert);
  assert.equal(await servedPin('ECDHE-ECDSA-AES256-GCM-SHA384'), ecdsaPin);
  assert.equal(await servedPin('ECDHE-RSA-AES256-GCM-SHA384'), rsaPin);
  assert.notEqual(ecdsaPin, rsaPin);
});

test('a pin computed from a private key equals the pin of its certificate', () => {
  const [fromCert, fromKey] = published(nginx.certificates.ecdsaCert, nginx.certificates.ecdsaKey);
  assert.equal(fromKey, fromCert);
});

test('the offline backup key gives its own pin, publishable before it is ever used', () => {
  const openssl = requireBinary('openssl', 'openssl');
  const key = join(nginx.dir, 'backup-pin.key');
  const pub = join(nginx.dir, 'backup-pin.pub');
  assert.equal(spawnSync(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]).status, 0);
  assert.equal(spawnSync(openssl, ['pkey', '-in', key, '-pubout', '-out', pub]).status, 0);
  const [fromPrivate, fromPublic, served] = published(key, pub, nginx.certificates.ecdsaCert);
  assert.match(fromPrivate ?? '', /^sha256\/[A-Za-z0-9+/]{43}=$/);
  assert.equal(fromPublic, fromPrivate);
  assert.notEqual(fromPrivate, served);
});
