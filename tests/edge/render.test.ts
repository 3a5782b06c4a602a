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
  ];
  for (const [name, override] of attempts) {
    test(`refuses ${name}`, () => {
      assert.throws(() => renderNginxConfig({ ...PRODUCTION_NGINX_OPTIONS, ...override }), /renderNginxConfig: invalid/);
    });
  }
});
