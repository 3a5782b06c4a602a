/**
 * An independent scanner's view of the edge (ENC-4, IMP-3, AUD-6): sslscan against a real
 * nginx rendered from the production template.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { requireBinary } from '../infra/support/binaries.ts';
import { SERVER_NAME, startNginx, startUpstream } from './support/edge-harness.ts';
import type { RunningNginx, Upstream } from './support/edge-harness.ts';

const ALLOWED_TLS12 = ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'];
const ALLOWED_TLS13 = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

let upstream: Upstream;
let nginx: RunningNginx;
let report = '';

function attributes(element: string): Record<string, string> {
  return Object.fromEntries([...element.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

function elements(name: string): Record<string, string>[] {
  return [...report.matchAll(new RegExp(`<${name}\\s[^>]*>`, 'g'))].map((match) => attributes(match[0]));
}

before(async () => {
  const sslscan = requireBinary('sslscan', 'sslscan');
  upstream = await startUpstream();
  nginx = await startNginx(upstream.port);
  const result = spawnSync(sslscan, ['--no-colour', `--sni-name=${SERVER_NAME}`, '--xml=-', `127.0.0.1:${nginx.options.httpsPort}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 0, `sslscan failed: ${result.stderr}`);
  report = result.stdout;
  assert.match(report, /<ssltest /, `sslscan produced no report:\n${report}`);
});

after(async () => {
  await nginx?.stop();
  await upstream?.close();
});

test('sslscan sees SSLv2, SSLv3, TLS 1.0 and TLS 1.1 disabled, TLS 1.2 and 1.3 enabled', () => {
  const protocols = Object.fromEntries(elements('protocol').map((p) => [`${p['type']} ${p['version']}`, p['enabled']]));
  assert.deepEqual(protocols, { 'ssl 2': '0', 'ssl 3': '0', 'tls 1.0': '0', 'tls 1.1': '0', 'tls 1.2': '1', 'tls 1.3': '1' });
});

test('sslscan finds only the seed cipher list on TLS 1.2 and 256-bit AEAD suites on TLS 1.3', () => {
  const ciphers = elements('cipher');
  const tls12 = ciphers.filter((c) => c['sslversion'] === 'TLSv1.2').map((c) => c['cipher']);
  const tls13 = ciphers.filter((c) => c['sslversion'] === 'TLSv1.3').map((c) => c['cipher']);
  assert.deepEqual(new Set(tls12), new Set(ALLOWED_TLS12));
  assert.deepEqual(new Set(tls13), new Set(ALLOWED_TLS13));
  const others = ciphers.filter((c) => c['sslversion'] !== 'TLSv1.2' && c['sslversion'] !== 'TLSv1.3');
  assert.deepEqual(others, [], 'ciphers offered on a legacy protocol');
  for (const cipher of ciphers) {
    assert.ok(Number(cipher['bits']) >= 256, `${cipher['cipher']} has ${cipher['bits']} bits`);
    assert.notEqual(cipher['strength'], 'weak', `${cipher['cipher']} rated weak`);
    assert.notEqual(cipher['strength'], 'medium', `${cipher['cipher']} rated medium`);
  }
  assert.equal(ciphers.find((c) => c['status'] === 'preferred' && c['sslversion'] === 'TLSv1.2')?.['cipher'], 'ECDHE-ECDSA-AES256-GCM-SHA384');
});

test('sslscan finds no insecure renegotiation and no heartbleed', () => {
  for (const renegotiation of elements('renegotiation')) {
    assert.ok(renegotiation['supported'] === '0' || renegotiation['secure'] === '1', 'insecure renegotiation');
  }
  const heartbleed = elements('heartbleed');
  assert.ok(heartbleed.length > 0);
  assert.ok(heartbleed.every((h) => h['vulnerable'] === '0'));
});
