/**
 * nginx/render.ts: the production rendering carries the production values (every port,
 * certificate, stapling, HTTP/2, a closed admin allow-list by default), and no option can
 * smuggle a directive into the configuration.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PRODUCTION_NGINX_OPTIONS, productionOptionsFromEnv, renderNginxConfig } from '../../nginx/render.ts';

describe('production rendering', () => {
  const config = renderNginxConfig(PRODUCTION_NGINX_OPTIONS);

  test('listens on 80 and 443 for the production names, HTTP/2, as the nginx user', () => {
    assert.match(config, /^user nginx;$/m);
    assert.match(config, /^\s+listen 80 default_server;$/m);
    assert.match(config, /^\s+listen 443 ssl default_server;$/m);
    assert.match(config, /^\s+listen 443 ssl;$/m);
    assert.match(config, /^\s+http2 on;$/m);
    assert.match(config, /^\s+server_name ecar\.tn www\.ecar\.tn;$/m);
    assert.match(config, /return 301 https:\/\/\$host\$request_uri;/);
    assert.match(config, /server gateway:8080;/);
  });

  test('serves both Let\'s Encrypt lineages with OCSP stapling through Docker\'s resolver', () => {
    assert.match(config, /ssl_certificate \/etc\/letsencrypt\/live\/ecar\.tn\/fullchain\.pem;/);
    assert.match(config, /ssl_certificate \/etc\/letsencrypt\/live\/ecar\.tn-rsa\/fullchain\.pem;/);
    assert.match(config, /^\s+ssl_stapling on;$/m);
    assert.match(config, /^\s+ssl_stapling_verify on;$/m);
    assert.match(config, /ssl_trusted_certificate \/etc\/letsencrypt\/live\/ecar\.tn\/chain\.pem;/);
    assert.match(config, /resolver 127\.0\.0\.11 /);
  });

  test('proxies to the gateway over TLS, verifying the name `gateway` against the internal CA, with nginx\'s client certificate (issue 12, finding 9)', () => {
    assert.deepEqual(new Set([...config.matchAll(/^\s*proxy_pass\s+([^;]+);/gm)].map((match) => match[1])), new Set(['https://ecar_gateway']));
    const lines = config.split('\n').map((line) => line.trim());
    for (const directive of [
      'proxy_ssl_verify on;',
      'proxy_ssl_trusted_certificate /run/secrets/internal_ca_cert;',
      'proxy_ssl_name gateway;',
      'proxy_ssl_server_name on;',
      'proxy_ssl_certificate /run/secrets/nginx_tls_cert;',
      'proxy_ssl_certificate_key /run/secrets/nginx_tls_key;',
    ]) {
      assert.ok(lines.includes(directive), directive);
    }
    assert.doesNotMatch(config, /proxy_ssl_verify off/);
  });

  test('a development rendering without gateway TLS says so and proxies plain HTTP', () => {
    const plain = renderNginxConfig({ ...PRODUCTION_NGINX_OPTIONS, gatewayTls: null });
    assert.match(plain, /proxy_pass http:\/\/ecar_gateway;/);
    assert.match(plain, /# Plain HTTP to the gateway: a development gateway only/);
    assert.doesNotMatch(plain, /^\s*proxy_ssl_/m);
  });

  test('without an allow-list the admin areas are closed to everyone', () => {
    assert.doesNotMatch(config, /^\s*allow /m);
    assert.equal(config.match(/^\s+deny all;$/gm)?.length, 1);
  });

  test('no placeholder is left and every snippet is inlined', () => {
    assert.doesNotMatch(config.replace(/^\s*#.*$/gm, ''), /__[A-Z0-9_]+__/);
    assert.doesNotMatch(config, /^\s*include /m);
  });

  test('the deployment\'s names, allow-list and certificate directories come from the environment', () => {
    const options = productionOptionsFromEnv({
      ECAR_SERVER_NAME: 'garage.example.tn',
      ECAR_ADMIN_ALLOW: '196.203.10.4/32, 2001:db8::/48',
      ECAR_CERT_DIRS: '/etc/letsencrypt/live/garage,/etc/letsencrypt/live/garage-rsa',
    });
    const rendered = renderNginxConfig(options);
    assert.match(rendered, /server_name garage\.example\.tn;/);
    assert.match(rendered, /allow 196\.203\.10\.4\/32;\s+allow 2001:db8::\/48;\s+deny all;/);
    assert.match(rendered, /ssl_certificate_key \/etc\/letsencrypt\/live\/garage-rsa\/privkey\.pem;/);
    assert.match(rendered, /ssl_trusted_certificate \/etc\/letsencrypt\/live\/garage\/chain\.pem;/);
  });
});

describe('input validation', () => {
  const attempts: [string, Partial<typeof PRODUCTION_NGINX_OPTIONS>][] = [
    ['server name with a directive', { serverName: 'ecar.tn; include /etc/passwd' }],
    ['allow-list keyword', { adminAllow: ['all'] }],
    ['allow-list with a directive', { adminAllow: ['10.0.0.1; allow all'] }],
    ['allow-list prefix too long', { adminAllow: ['10.0.0.0/33'] }],
    ['upstream without a port', { gatewayUpstream: 'gateway' }],
    ['upstream with a directive', { gatewayUpstream: 'gateway:8080; server evil:80' }],
    ['certificate path with a space', { certificates: [{ certificate: '/etc/a b.pem', key: '/etc/k.pem' }] }],
    ['path traversal', { acmeWebroot: '/var/www/../../etc' }],
    ['resolver host name', { resolver: 'dns.example' }],
    ['port out of range', { httpsPort: 70000 }],
    ['no certificate', { certificates: [] }],
    ['gateway TLS name with a directive', { gatewayTls: { trustedCertificate: '/run/secrets/internal_ca_cert', certificate: '/run/secrets/nginx_tls_cert', key: '/run/secrets/nginx_tls_key', name: 'gateway; proxy_ssl_verify off' } }],
    ['gateway TLS key path with a space', { gatewayTls: { trustedCertificate: '/run/secrets/internal_ca_cert', certificate: '/run/secrets/nginx_tls_cert', key: '/run/secrets/nginx key', name: 'gateway' } }],
  ];
  for (const [name, override] of attempts) {
    test(`refuses ${name}`, () => {
      assert.throws(() => renderNginxConfig({ ...PRODUCTION_NGINX_OPTIONS, ...override }), /renderNginxConfig: invalid/);
    });
  }
});
