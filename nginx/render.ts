/**
 * Renders nginx/nginx.conf and its snippets into one self-contained configuration.
 *
 * The template and the snippets are the single source of the edge policy; this module only
 * fills in what differs between a VPS and a test run (addresses, ports, certificate paths,
 * the admin allow-list). Every value is validated so that no option can smuggle a directive
 * into the configuration.
 *
 *   production:  node --import tsx nginx/render.ts --out /etc/ecar/nginx/nginx.conf
 *                (ECAR_SERVER_NAME, ECAR_ADMIN_ALLOW, ECAR_CERT_DIRS, ECAR_NGINX_HTTP2 override the defaults)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CertificatePair {
  certificate: string;
  key: string;
}

/**
 * nginx → gateway over TLS (finding 9 of issue 12): the internal CA that signs the gateway's
 * certificate, the name it must carry, and nginx's own client certificate (the gateway, in
 * production, accepts only mutual TLS and believes X-Forwarded-For from `nginx` alone).
 */
export interface GatewayTls {
  trustedCertificate: string;
  certificate: string;
  key: string;
  /** Checked against the gateway's certificate (proxy_ssl_name) and sent as SNI. */
  name: string;
}

export interface NginxRenderOptions {
  /** Space-separated host names served by the HTTPS server block. */
  serverName: string;
  /** Address nginx listens on; `null` means every address (production). */
  listenAddress: string | null;
  httpPort: number;
  httpsPort: number;
  /** Loopback-only port answering /healthz for the container health check. */
  statusPort: number;
  /** host:port of the gateway. */
  gatewayUpstream: string;
  /** TLS to the gateway; `null` = plain HTTP (only a development gateway listens so). */
  gatewayTls: GatewayTls | null;
  /** One pair per key type (ECDSA and RSA), so both halves of the seed's cipher list work. */
  certificates: CertificatePair[];
  /** Chain used to verify stapled OCSP answers (Let's Encrypt: chain.pem). */
  trustedChain: string;
  ocspStapling: boolean;
  /** DNS resolver for OCSP responder look-ups (Docker's embedded DNS in production). */
  resolver: string;
  acmeWebroot: string;
  /** Addresses or CIDR ranges allowed to reach /admin and the super-admin API areas. */
  adminAllow: string[];
  /** `user` directive; `null` omits it (nginx then uses its compiled-in default). */
  user: string | null;
  pidFile: string;
  /** A file, or `stderr` (nginx's own keyword: the process's standard error). */
  errorLog: string;
  accessLog: string;
  /** Directory for nginx's request-body and proxy buffers. */
  tempDir: string;
  /** nginx ≥ 1.25.1 spells HTTP/2 `http2 on;`; older versions use a `listen` flag. */
  http2: 'directive' | 'listen-flag';
}

/** The VPS values (docker-compose.yml runs the official nginx image). */
export const PRODUCTION_NGINX_OPTIONS: NginxRenderOptions = {
  serverName: 'ecar.tn www.ecar.tn',
  listenAddress: null,
  httpPort: 80,
  httpsPort: 443,
  statusPort: 8081,
  gatewayUpstream: 'gateway:8080',
  // Docker secrets of the nginx service (scripts/deploy/prepare-host.sh, scripts/pki.ts).
  gatewayTls: {
    trustedCertificate: '/run/secrets/internal_ca_cert',
    certificate: '/run/secrets/nginx_tls_cert',
    key: '/run/secrets/nginx_tls_key',
    name: 'gateway',
  },
  certificates: [
    { certificate: '/etc/letsencrypt/live/ecar.tn/fullchain.pem', key: '/etc/letsencrypt/live/ecar.tn/privkey.pem' },
    { certificate: '/etc/letsencrypt/live/ecar.tn-rsa/fullchain.pem', key: '/etc/letsencrypt/live/ecar.tn-rsa/privkey.pem' },
  ],
  trustedChain: '/etc/letsencrypt/live/ecar.tn/chain.pem',
  ocspStapling: true,
  resolver: '127.0.0.11',
  acmeWebroot: '/var/www/certbot',
  adminAllow: [],
  user: 'nginx',
  pidFile: '/run/nginx.pid',
  errorLog: 'stderr',
  // The official image links this file to the container's stdout.
  accessLog: '/var/log/nginx/access.log',
  tempDir: '/var/cache/nginx',
  http2: 'directive',
};

const here = dirname(fileURLToPath(import.meta.url));
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

function fail(option: string, value: unknown): never {
  throw new Error(`renderNginxConfig: invalid ${option}: ${JSON.stringify(value)}`);
}

function port(option: string, value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(option, value);
  return String(value);
}

function path(option: string, value: string): string {
  if (!SAFE_PATH.test(value) || value.includes('..')) fail(option, value);
  return value;
}

function ipAddress(option: string, value: string): string {
  if (isIP(value) === 0) fail(option, value);
  return value;
}

/** An IPv4/IPv6 address with an optional prefix length, as nginx's `allow` accepts it. */
function cidr(value: string): string {
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) fail('adminAllow entry', value);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) fail('adminAllow entry', value);
  }
  return value;
}

function hostPort(option: string, value: string): string {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match) fail(option, value);
  const [, host = '', portText = ''] = match;
  if (!HOST_NAME.test(host) && isIP(host) === 0) fail(option, value);
  port(option, Number(portText));
  return value;
}

function serverNames(value: string): string {
  const names = value.split(/\s+/).filter(Boolean);
  if (names.length === 0 || names.some((name) => !HOST_NAME.test(name))) fail('serverName', value);
  return names.join(' ');
}

function listen(address: string | null, portNumber: string): string {
  if (address === null) return portNumber;
  ipAddress('listenAddress', address);
  return isIP(address) === 6 ? `[${address}]:${portNumber}` : `${address}:${portNumber}`;
}

function gatewayTlsDirectives(tls: GatewayTls | null): string {
  if (tls === null) return '# Plain HTTP to the gateway: a development gateway only (production renders TLS).';
  if (!HOST_NAME.test(tls.name)) fail('gatewayTls.name', tls.name);
  return [
    '# To the gateway over TLS with the internal CA, its certificate name checked (ENC-6).',
    'proxy_ssl_verify on;',
    `proxy_ssl_trusted_certificate ${path('gatewayTls.trustedCertificate', tls.trustedCertificate)};`,
    'proxy_ssl_verify_depth 2;',
    `proxy_ssl_name ${tls.name};`,
    'proxy_ssl_server_name on;',
    'proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    `proxy_ssl_certificate ${path('gatewayTls.certificate', tls.certificate)};`,
    `proxy_ssl_certificate_key ${path('gatewayTls.key', tls.key)};`,
    'proxy_ssl_session_reuse on;',
  ].join('\n');
}

function placeholders(options: NginxRenderOptions): Record<string, string> {
  if (options.certificates.length === 0) fail('certificates', options.certificates);
  const httpsPort = port('httpsPort', options.httpsPort);
  const http2 = options.http2 === 'directive' ? 'http2 on;' : '';
  const httpsListenFlags = options.http2 === 'listen-flag' ? ' http2' : '';
  if (options.user !== null && !USER_NAME.test(options.user)) fail('user', options.user);
  return {
    __USER_DIRECTIVE__: options.user === null ? '' : `user ${options.user};`,
    __PID_FILE__: path('pidFile', options.pidFile),
    __ERROR_LOG__: options.errorLog === 'stderr' ? 'stderr' : path('errorLog', options.errorLog),
    __ACCESS_LOG__: path('accessLog', options.accessLog),
    __TEMP_DIR__: path('tempDir', options.tempDir),
    __GATEWAY_UPSTREAM__: hostPort('gatewayUpstream', options.gatewayUpstream),
    __GATEWAY_SCHEME__: options.gatewayTls ? 'https' : 'http',
    __GATEWAY_TLS__: gatewayTlsDirectives(options.gatewayTls),
    __HTTP_LISTEN__: listen(options.listenAddress, port('httpPort', options.httpPort)),
    __HTTPS_LISTEN__: listen(options.listenAddress, httpsPort) + httpsListenFlags,
    __HTTP2_DIRECTIVE__: http2,
    __SERVER_NAME__: serverNames(options.serverName),
    __ACME_WEBROOT__: path('acmeWebroot', options.acmeWebroot),
    __HTTPS_REDIRECT_BASE__: httpsPort === '443' ? 'https://$host' : `https://$host:${httpsPort}`,
    __STATUS_PORT__: port('statusPort', options.statusPort),
    __SSL_CERTIFICATES__: options.certificates
      .map(
        ({ certificate, key }) =>
          `ssl_certificate ${path('certificate', certificate)};\nssl_certificate_key ${path('key', key)};`,
      )
      .join('\n'),
    __OCSP_STAPLING__: options.ocspStapling ? 'on' : 'off',
    __TRUSTED_CHAIN__: path('trustedChain', options.trustedChain),
    __RESOLVER__: ipAddress('resolver', options.resolver),
    __ADMIN_ALLOW__: options.adminAllow.map((entry) => `allow ${cidr(entry)};`).join('\n'),
  };
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? prefix + line : line))
    .join('\n');
}

/** Replaces each `include snippets/NAME.conf;` line with the snippet's text, indented in place. */
function inlineSnippets(template: string): string {
  return template.replace(/^([ \t]*)include snippets\/([a-z0-9-]+\.conf);[ \t]*$/gm, (_line, prefix: string, name: string) =>
    indent(readFileSync(join(here, 'snippets', name), 'utf8').trimEnd(), prefix),
  );
}

export function renderNginxConfig(options: NginxRenderOptions): string {
  const values = placeholders(options);
  let text = inlineSnippets(readFileSync(join(here, 'nginx.conf'), 'utf8'));
  for (const [name, value] of Object.entries(values)) {
    // A placeholder alone on its line keeps the line's indentation for every rendered line.
    text = text.replace(new RegExp(`^([ \\t]*)${name}[ \\t]*$`, 'gm'), (_line, prefix: string) => indent(value, prefix));
    text = text.split(name).join(value);
  }
  const leftover = /__[A-Z][A-Z0-9_]*__/.exec(text.replace(/^\s*#.*$/gm, ''));
  if (leftover) throw new Error(`renderNginxConfig: unresolved placeholder ${leftover[0]}`);
  return text;
}

/** Production options with the deployment's own values taken from the environment. */
export function productionOptionsFromEnv(env: NodeJS.ProcessEnv): NginxRenderOptions {
  const options = { ...PRODUCTION_NGINX_OPTIONS };
  if (env['ECAR_SERVER_NAME']) options.serverName = env['ECAR_SERVER_NAME'];
  if (env['ECAR_ADMIN_ALLOW']) options.adminAllow = env['ECAR_ADMIN_ALLOW'].split(',').map((entry) => entry.trim()).filter(Boolean);
  // Debian's and older nginx builds (< 1.25.1) only know the `listen … http2` flag.
  if (env['ECAR_NGINX_HTTP2'] === 'listen-flag' || env['ECAR_NGINX_HTTP2'] === 'directive') options.http2 = env['ECAR_NGINX_HTTP2'];
  else if (env['ECAR_NGINX_HTTP2']) throw new Error(`ECAR_NGINX_HTTP2 must be "directive" or "listen-flag" (got "${env['ECAR_NGINX_HTTP2']}")`);
  if (env['ECAR_CERT_DIRS']) {
    const dirs = env['ECAR_CERT_DIRS'].split(',').map((dir) => dir.trim()).filter(Boolean);
    options.certificates = dirs.map((dir) => ({ certificate: `${dir}/fullchain.pem`, key: `${dir}/privkey.pem` }));
    options.trustedChain = `${dirs[0] ?? ''}/chain.pem`;
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outIndex = process.argv.indexOf('--out');
  const text = renderNginxConfig(productionOptionsFromEnv(process.env));
  const out = outIndex >= 0 ? process.argv[outIndex + 1] : undefined;
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text, { mode: 0o644 });
    process.stderr.write(`nginx configuration written to ${out}\n`);
  } else {
    process.stdout.write(text);
  }
}
