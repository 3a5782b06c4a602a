/**
 * The edge as a client sees it: a real nginx rendered from nginx/nginx.conf (production
 * headers, ciphers, zones and allow-list logic; loopback ports and a throw-away certificate),
 * proxying over mutual TLS (internal CA, name `gateway` verified) to a stand-in for the gateway.
 * Requirements: ENC-4, ENC-5 (ACME path), IMP-1, IMP-3, APP-3 (CSP), NET-1, NET-4, NET-5.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import type { SecureVersion } from 'node:tls';
import { edgePki, floodUntilLimited, httpRequest, httpsRequest, SERVER_NAME, startNginx, startUpstream } from './support/edge-harness.ts';
import type { EdgeResponse, RunningNginx, Upstream } from './support/edge-harness.ts';

const SEED_CIPHERS = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

const EXPECTED_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-xss-protection': '1; mode=block',
  'referrer-policy': 'same-origin',
  'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

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

/** Every value of a header as the client received it (raw, so duplicates stay visible). */
function rawValues(response: EdgeResponse, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    if (response.rawHeaders[i]?.toLowerCase() === name) values.push(response.rawHeaders[i + 1] ?? '');
  }
  return values;
}

function assertSecurityHeaders(response: EdgeResponse, context: string): void {
  for (const [name, value] of Object.entries(EXPECTED_HEADERS)) {
    assert.deepEqual(rawValues(response, name), [value], `${context}: ${name}`);
  }
  assert.deepEqual(rawValues(response, 'x-powered-by'), [], `${context}: x-powered-by leaks the framework`);
  assert.deepEqual(rawValues(response, 'server'), ['nginx'], `${context}: server header must carry no version`);
  assert.match(rawValues(response, 'x-request-id')[0] ?? '', /^[0-9a-f]{32}$/, `${context}: x-request-id`);
}

function upstreamHits(path: string): number {
  return upstream.requests.filter((request) => request.url.toLowerCase().startsWith(path.toLowerCase())).length;
}

interface Handshake {
  ok: boolean;
  protocol: string | null;
  cipher: string | null;
  alpn: string | false | null;
  error: string;
  ticket: boolean;
  reused: boolean;
  session: Buffer | undefined;
}

function handshake(options: {
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  ciphers?: string;
  servername?: string;
  alpn?: string[];
  session?: Buffer;
}): Promise<Handshake> {
  return new Promise((resolve) => {
    let session: Buffer | undefined;
    const socket = tls.connect({
      host: '127.0.0.1',
      port: nginx.options.httpsPort,
      servername: options.servername ?? SERVER_NAME,
      ca: nginx.certificates.ca,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      // SECLEVEL=0 lets this client *offer* legacy protocols and ciphers, so a refusal can
      // only come from the server.
      ciphers: options.ciphers ?? 'DEFAULT:@SECLEVEL=0',
      ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
      ...(options.session ? { session: options.session } : {}),
    });
    socket.on('session', (data: Buffer) => {
      session = data;
    });
    socket.once('secureConnect', () => {
      const result = {
        ok: true,
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().standardName === '' ? null : socket.getCipher().name,
        alpn: socket.alpnProtocol ?? null,
        error: '',
        ticket: socket.getTLSTicket() !== undefined,
        reused: socket.isSessionReused(),
      };
      // Give the server a moment to send TLS 1.3 session messages before closing.
      setTimeout(() => {
        socket.end();
        resolve({ ...result, session: session ?? socket.getSession() });
      }, 50);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ ok: false, protocol: null, cipher: null, alpn: null, error: `${error.code ?? ''} ${error.message}`, ticket: false, reused: false, session: undefined });
    });
  });
}

describe('HTTP listener (ENC-4, ENC-5)', () => {
  test('redirects every request to HTTPS with 301, keeping path and query, without proxying', async () => {
    const before = upstream.requests.length;
    const response = await httpRequest(nginx, { path: '/api/v1/garage/customers?page=2' });
    assert.equal(response.status, 301);
    assert.equal(response.headers.location, `https://${SERVER_NAME}:${nginx.options.httpsPort}/api/v1/garage/customers?page=2`);
    const login = await httpRequest(nginx, { method: 'POST', path: '/api/v1/auth/login', body: '{}' });
    assert.equal(login.status, 301);
    assert.equal(upstream.requests.length, before, 'nothing reaches the gateway over plain HTTP');
  });

  test('serves the ACME http-01 challenge from the webroot without redirecting', async () => {
    const token = 'Zk3Q_token-abc';
    writeFileSync(join(nginx.options.acmeWebroot, '.well-known', 'acme-challenge', token), 'Zk3Q_token-abc.thumbprint');
    const found = await httpRequest(nginx, { path: `/.well-known/acme-challenge/${token}` });
    assert.equal(found.status, 200);
    assert.equal(found.body, 'Zk3Q_token-abc.thumbprint');
    const missing = await httpRequest(nginx, { path: '/.well-known/acme-challenge/unknown' });
    assert.equal(missing.status, 404, 'a missing token is a 404, not a redirect');
  });

  test('answers nothing to a request for an unknown host name', async () => {
    await assert.rejects(httpRequest(nginx, { path: '/', host: 'attacker.example' }), /socket hang up|ECONNRESET/);
  });
});

describe('TLS (ENC-4, IMP-3)', () => {
  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    test(`refuses a ${version} handshake`, async () => {
      const result = await handshake({ minVersion: version, maxVersion: version });
      assert.equal(result.ok, false, `${version} must be refused`);
      assert.match(result.error, /ALERT_PROTOCOL_VERSION|alert protocol version|unsupported protocol/i);
    });
  }

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`accepts a ${version} handshake`, async () => {
      const result = await handshake({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT' });
      assert.equal(result.ok, true, result.error);
      assert.equal(result.protocol, version);
    });
  }

  for (const cipher of SEED_CIPHERS) {
    test(`TLS 1.2 negotiates the seed cipher ${cipher}`, async () => {
      const result = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: cipher });
      assert.equal(result.ok, true, result.error);
      assert.equal(result.cipher, cipher);
    });
  }

  for (const cipher of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA', 'DHE-RSA-AES256-GCM-SHA384']) {
    test(`TLS 1.2 refuses the non-listed cipher ${cipher}`, async () => {
      const result = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${cipher}:@SECLEVEL=0` });
      assert.equal(result.ok, false, `${cipher} was accepted`);
      assert.match(result.error, /HANDSHAKE_FAILURE|handshake failure|no shared cipher/i);
    });
  }

  test('the server, not the client, orders the cipher suites', async () => {
    const result = await handshake({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384',
    });
    assert.equal(result.ok, true, result.error);
    assert.equal(result.cipher, 'ECDHE-ECDSA-AES256-GCM-SHA384');
  });

  test('session tickets are off and the shared session cache resumes sessions', async () => {
    const first = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'DEFAULT' });
    assert.equal(first.ok, true, first.error);
    assert.equal(first.ticket, false, 'the server issued a session ticket');
    const second = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'DEFAULT', ...(first.session ? { session: first.session } : {}) });
    assert.equal(second.ok, true, second.error);
    assert.equal(second.reused, true, 'the session id was not found in the shared cache');
  });

  test('offers HTTP/2 through ALPN', async () => {
    const result = await handshake({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'DEFAULT', alpn: ['h2', 'http/1.1'] });
    assert.equal(result.ok, true, result.error);
    assert.equal(result.alpn, 'h2');
  });

  test('rejects the handshake for an unknown server name', async () => {
    const result = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: 'DEFAULT', servername: 'attacker.example' });
    assert.equal(result.ok, false);
    assert.match(result.error, /unrecognized name|UNRECOGNIZED_NAME|handshake failure/i);
  });
});

describe('security headers (IMP-1, IMP-3, APP-3)', () => {
  test('a proxied 200 carries every header once, with nginx values replacing the gateway\'s', async () => {
    const response = await httpsRequest(nginx, { path: '/api/v1/garage/customers' });
    assert.equal(response.status, 200);
    assertSecurityHeaders(response, '200');
  });

  test('the CSP allows no inline script or style and no third-party origin (RES-3)', async () => {
    const response = await httpsRequest(nginx, { path: '/' });
    const csp = String(response.headers['content-security-policy']);
    const directives = new Map(csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }));
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('style-src'), ["'self'"]);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
  });

  test('error answers carry the headers too: gateway 404 and 500, edge 404, 403 and 413', async () => {
    const gateway404 = await httpsRequest(nginx, { path: '/api/v1/missing' });
    assert.equal(gateway404.status, 404);
    assertSecurityHeaders(gateway404, 'gateway 404');

    const gateway500 = await httpsRequest(nginx, { path: '/api/v1/broken' });
    assert.equal(gateway500.status, 500);
    assertSecurityHeaders(gateway500, 'gateway 500');

    const edge404 = await httpsRequest(nginx, { path: '/metrics' });
    assert.equal(edge404.status, 404);
    assertSecurityHeaders(edge404, 'edge 404');

    const forbidden = await httpsRequest(nginx, { path: '/admin/' });
    assert.equal(forbidden.status, 403);
    assertSecurityHeaders(forbidden, '403');

    const tooLarge = await httpsRequest(nginx, {
      method: 'POST',
      path: '/api/v1/garage/vehicles/1/documents',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(11 * 1024 * 1024) },
      body: '',
    }).catch((error: unknown) => error);
    // nginx answers 413 from the declared length and closes; the client may see either.
    if (!(tooLarge instanceof Error)) {
      assert.equal((tooLarge as EdgeResponse).status, 413);
      assertSecurityHeaders(tooLarge as EdgeResponse, '413');
    } else {
      assert.fail(`expected a 413 answer, got ${tooLarge.message}`);
    }
  });

  test('a rate-limited 429 carries the headers too', async () => {
    let limited: EdgeResponse | undefined;
    for (let i = 0; i < 12 && !limited; i += 1) {
      const response = await httpsRequest(nginx, { method: 'POST', path: '/api/v1/auth/login', body: '{}', localAddress: '127.0.0.5' });
      if (response.status === 429) limited = response;
    }
    assert.ok(limited, 'no 429 within 12 login attempts');
    assertSecurityHeaders(limited, '429');
  });
});

describe('rate limiting (NET-4, NET-5)', () => {
  test('a login burst from one address is cut to 1 + burst 5, whatever the path spelling', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const response = await httpsRequest(nginx, { method: 'POST', path: '/api/v1/auth/login', body: '{}', localAddress: '127.0.0.4' });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    for (const path of ['/API/v1/Auth/LOGIN', '/api/v1/auth/login/', '/api/v1/auth/mfa/totp/verify', '/api/v1/auth/password']) {
      const response = await httpsRequest(nginx, { method: 'POST', path, body: '{}', localAddress: '127.0.0.4' });
      assert.equal(response.status, 429, `${path} escaped the login zone`);
    }
    // At 5 r/m the next slot opens 12 s after the burst; a rate above 40 r/m would reopen it
    // within 1.5 s.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const later = await httpsRequest(nginx, { method: 'POST', path: '/api/v1/auth/login', body: '{}', localAddress: '127.0.0.4' });
    assert.equal(later.status, 429, 'the login budget refilled too fast');
    const otherAddress = await httpsRequest(nginx, { method: 'POST', path: '/api/v1/auth/login', body: '{}', localAddress: '127.0.0.6' });
    assert.equal(otherAddress.status, 200, 'the budget is per client address');
  });

  test('the API zone answers 429 to a flood beyond 20 r/s with burst 40', async () => {
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 90 }, () => httpsRequest(nginx, { path: '/api/v1/garage/appointments', localAddress: '127.0.0.3' })),
    );
    const seconds = (performance.now() - started) / 1000;
    const ok = responses.filter((response) => response.status === 200).length;
    const limited = responses.filter((response) => response.status === 429).length;
    assert.equal(ok + limited, 90, `statuses: ${responses.map((response) => response.status).join(",")} ${nginx.stderr().slice(-1500)}`);
    // 1 + burst 40 at once, then at most 20 more per second of flood (one of slack).
    const ceiling = 41 + Math.ceil(seconds * 20) + 1;
    assert.ok(ok >= 41, `${ok} requests passed: the burst of 40 must be honoured`);
    assert.ok(ok <= ceiling, `${ok} requests passed in ${seconds.toFixed(2)} s: more than 20 r/s + burst 40 (${ceiling})`);
  });

  test('the allow-listed admin API is rate-limited too', async () => {
    const statuses = await floodUntilLimited(nginx, '/api/v1/audit/events', '127.0.0.7', 1000);
    assert.ok(statuses.includes(429), `no 429 after ${statuses.length} requests`);
    assert.ok(statuses.filter((status) => status === 200).length >= 41, 'the burst of 40 must be honoured');
  });

  test('the web app\'s static and JWKS paths are rate-limited too', async () => {
    const statuses = await floodUntilLimited(nginx, '/.well-known/jwks.json', '127.0.0.8', 2000);
    assert.ok(statuses.includes(429), `no 429 after ${statuses.length} requests`);
    assert.ok(statuses.filter((status) => status === 200).length >= 101, 'the burst of 100 must be honoured');
  });
});

describe('admin allow-list (NET-1)', () => {
  const adminPaths = ['/admin', '/admin/users', '/ADMIN/', '/administrator', '/api/v1/users', '/api/v1/users/42/disable', '/api/v1/Audit/events', '/api/v1/backups'];

  test('a non-listed address gets 403 and nothing reaches the gateway', async () => {
    for (const path of adminPaths) {
      const before = upstream.requests.length;
      const response = await httpsRequest(nginx, { path });
      assert.equal(response.status, 403, path);
      assert.equal(upstream.requests.length, before, `${path} was proxied`);
    }
  });

  test('a listed address is proxied to the gateway', async () => {
    for (const path of adminPaths) {
      const before = upstream.requests.length;
      const response = await httpsRequest(nginx, { path, localAddress: '127.0.0.2' });
      assert.equal(response.status, 200, path);
      assert.equal(upstream.requests.length, before + 1, `${path} was not proxied`);
      assert.equal(upstream.requests.at(-1)?.url, path);
    }
  });

  test('customer-facing API areas and the public web shell are not behind the allow-list', async () => {
    for (const path of ['/api/v1/billing/invoices', '/app/', '/app/invoices', '/assets/app-0000.js']) {
      const response = await httpsRequest(nginx, { path });
      assert.equal(response.status, 200, path);
    }
  });
});

describe('proxying to the gateway', () => {
  test('X-Forwarded-For and X-Real-IP are replaced by the real address, never appended', async () => {
    await httpsRequest(nginx, {
      path: '/api/v1/garage/vehicles',
      headers: {
        'x-forwarded-for': '203.0.113.9, 198.51.100.7',
        'x-real-ip': '203.0.113.9',
        forwarded: 'for=203.0.113.9;proto=http',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'attacker.example',
      },
    });
    const seen = upstream.requests.at(-1);
    assert.ok(seen);
    assert.equal(seen.url, '/api/v1/garage/vehicles');
    const forwardedFor = seen.rawHeaders.filter((_value, index) => index % 2 === 0 && seen.rawHeaders[index]?.toLowerCase() === 'x-forwarded-for');
    assert.equal(forwardedFor.length, 1, 'exactly one X-Forwarded-For header');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-real-ip'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-host'], SERVER_NAME);
    assert.equal(seen.headers.forwarded, undefined);
    assert.equal(seen.headers.host, SERVER_NAME);
  });

  test('the request id is generated by nginx, forwarded, and returned to the client', async () => {
    const response = await httpsRequest(nginx, { path: '/api/v1/garage/work-orders', headers: { 'x-request-id': 'client-chosen-id' } });
    const seen = upstream.requests.at(-1);
    assert.ok(seen);
    assert.match(String(seen.headers['x-request-id']), /^[0-9a-f]{32}$/);
    assert.deepEqual(rawValues(response, 'x-request-id'), [seen.headers['x-request-id']]);
  });

  test('hop-by-hop and proxy headers sent by the client stop at the edge', async () => {
    await httpsRequest(nginx, {
      path: '/api/v1/garage/customers',
      headers: { 'proxy-authorization': 'Basic Zm9vOmJhcg==', 'proxy-connection': 'keep-alive', 'keep-alive': 'timeout=600', te: 'trailers', upgrade: 'h2c' },
    });
    const seen = upstream.requests.at(-1);
    assert.ok(seen);
    for (const header of ['proxy-authorization', 'proxy-connection', 'keep-alive', 'te', 'upgrade']) {
      assert.equal(seen.headers[header], undefined, `${header} reached the gateway`);
    }
  });

  test('health and metrics endpoints are not reachable from outside, whatever the spelling', async () => {
    for (const path of ['/health/ready', '/health/live', '/metrics', '/Metrics', '/HEALTH/ready']) {
      const response = await httpsRequest(nginx, { path });
      assert.equal(response.status, 404, path);
    }
    assert.equal(upstreamHits('/health'), 0);
    assert.equal(upstreamHits('/metrics'), 0);
  });

  test('every proxy_pass of the rendered configuration targets the single gateway upstream', () => {
    const targets = [...nginx.config.matchAll(/^\s*proxy_pass\s+([^;]+);/gm)].map((match) => match[1]);
    assert.ok(targets.length >= 4);
    assert.deepEqual(new Set(targets), new Set(['https://ecar_gateway']));
    const upstreamBlock = /upstream ecar_gateway \{([^}]*)\}/.exec(nginx.config)?.[1] ?? '';
    assert.deepEqual([...upstreamBlock.matchAll(/^\s*server\s+([^;]+);/gm)].map((match) => match[1]), [`127.0.0.1:${upstream.port}`]);
    assert.doesNotMatch(nginx.config, /^\s*(fastcgi_pass|uwsgi_pass|scgi_pass|grpc_pass|memcached_pass)\b/m);
  });
});

describe('nginx → gateway over mutual TLS (issue 12, finding 9)', () => {
  test('nginx verifies the gateway\'s certificate and presents its own `nginx` certificate', async () => {
    const response = await httpsRequest(nginx, { path: '/api/v1/tls-check' });
    assert.equal(response.status, 200, response.body);
    const seen = upstream.requests.at(-1);
    assert.equal(seen?.url, '/api/v1/tls-check');
    assert.equal(seen?.clientCertificate, 'nginx', 'the gateway saw nginx\'s verified client certificate');
  });

  test('nginx refuses a gateway whose certificate names another service or comes from another CA', async () => {
    const pki = edgePki();
    for (const [what, identity] of [['a certificate named garage', pki.garage], ['a gateway certificate from another CA', pki.rogueGateway]] as const) {
      const impostor = await startUpstream(identity);
      const edge = await startNginx(impostor.port);
      try {
        const response = await httpsRequest(edge, { path: '/api/v1/customers' });
        assert.equal(response.status, 502, `${what}: ${response.status}`);
        assert.equal(impostor.requests.length, 0, `${what}: a request reached the impostor`);
        assert.match(edge.stderr(), /upstream SSL certificate (does not match|verify error)/, what);
      } finally {
        await edge.stop();
        await impostor.close();
      }
    }
  });

  test('a gateway listening with TLS answers nothing to plain HTTP (the development rendering)', async () => {
    const plain = await startNginx(upstream.port, { gatewayTls: null });
    const before = upstream.requests.length;
    try {
      const response = await httpsRequest(plain, { path: '/api/v1/customers' });
      assert.equal(response.status, 502);
      assert.equal(upstream.requests.length, before, 'the TLS gateway served a plain-HTTP request');
    } finally {
      await plain.stop();
    }
  });
});

describe('container health endpoint', () => {
  test('answers on the loopback status port only', async () => {
    const response = await httpRequest(nginx, { path: '/healthz', port: nginx.options.statusPort, host: 'localhost' });
    assert.equal(response.status, 200);
    assert.equal(response.body, 'ok\n');
    assert.match(nginx.config, new RegExp(`listen 127\\.0\\.0\\.1:${nginx.options.statusPort};`));
    await assert.rejects(
      new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.2', port: nginx.options.statusPort, path: '/healthz', agent: false }, resolve);
        req.on('error', reject);
      }),
      /ECONNREFUSED/,
    );
  });
});
