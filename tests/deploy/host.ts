/**
 * The operator's part of a Docker deployment on this machine, shared by the Compose test
 * (tests/deploy/compose.test.ts) and the Swarm test (tests/deploy/swarm.test.ts): the local
 * stand-ins for the official images (scripts/deploy/build-local-images.sh, no Docker Hub here),
 * what the operator brings (backup public key, SFTP host key, relay URLs, TEIF certificate),
 * then scripts/deploy/prepare-host.sh as docs/operations/deploy.md tells, and the test's own
 * additions to .env for tests/deploy/compose.test.yml (SFTP host, ACME server, fakes).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run } from './support.ts';

export interface PreparedHost {
  /** The .env prepare-host.sh wrote (plus the test's additions). */
  envFile: string;
  httpPort: number;
  httpsPort: number;
  /** The variables build-local-images.sh printed (NODE_IMAGE, ECAR_*_IMAGE). */
  images: Record<string, string>;
}

export async function prepareHost(options: { root: string; work: string; project: string; domain: string; adminEmail: string; timings: Record<string, number> }): Promise<PreparedHost> {
  const { root, work, project, domain, adminEmail, timings } = options;
  mkdirSync(work, { recursive: true, mode: 0o755 });
  let started = Date.now();
  const built = await run('bash', [join(root, 'scripts/deploy/build-local-images.sh')], { timeoutMs: 1_200_000 });
  timings['local base images'] = Date.now() - started;

  // What the operator brings: the offline backup key's public half, the SFTP host's key
  // (verified out of band), the SMTP relay's URL.
  const inputs = join(work, 'inputs');
  const sftpDir = join(work, 'sftp');
  mkdirSync(inputs, { mode: 0o700 });
  mkdirSync(sftpDir, { mode: 0o755 });
  await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', join(inputs, 'backup-private.pem')]);
  await run('openssl', ['pkey', '-in', join(inputs, 'backup-private.pem'), '-pubout', '-out', join(inputs, 'backup-public.pem')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sftpDir, 'ssh_host_ed25519_key')]);
  const hostKey = readFileSync(join(sftpDir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(inputs, 'known_hosts'), `sftp ${hostKey}\n`);
  // auth's and notify's relay (the fake SMTP relay of compose.test.yml: the MFA enrolment code
  // reaches the test through it) and the SMS gateway's bearer key.
  writeFileSync(join(inputs, 'smtp_url'), 'smtp://ecar:relay-password@smtp.example.tn:2525\n');
  writeFileSync(join(inputs, 'notify_smtp_url'), 'smtp://ecar:relay-password@smtp.example.tn:2525\n');
  const smsApiKey = randomBytes(16).toString('hex');
  writeFileSync(join(inputs, 'sms_api_key'), `${smsApiKey}\n`);
  const fakesDir = join(work, 'fakes');
  mkdirSync(fakesDir, { mode: 0o755 });
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=sms.example.tn', '-addext', 'subjectAltName=DNS:sms.example.tn', '-keyout', join(fakesDir, 'sms.key'), '-out', join(fakesDir, 'sms.crt')]);
  await run('chmod', ['644', join(fakesDir, 'sms.key'), join(fakesDir, 'sms.crt')]);
  // The seller's TEIF signing certificate (a throw-away one here; TunTrust's in production) and
  // the El Fatoora credentials. TTN is not reachable from the test: submissions wait as pending.
  const p12Password = 'teif-p12-Passw0rd-test';
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Garage Exemple SARL/O=Garage Exemple SARL/C=TN', '-keyout', join(inputs, 'teif.key'), '-out', join(inputs, 'teif.crt')]);
  await run('openssl', ['pkcs12', '-export', '-inkey', join(inputs, 'teif.key'), '-in', join(inputs, 'teif.crt'), '-out', join(inputs, 'teif.p12'), '-passout', `pass:${p12Password}`]);
  writeFileSync(join(inputs, 'teif_password'), p12Password);
  writeFileSync(join(inputs, 'ttn_password'), 'ttn-web-service-Passw0rd');

  // The local ACME server (tests/deploy/compose.test.yml): its own TLS certificate for its
  // directory, certificates valid 29 days — inside certbot's 30-day renewal window, so the
  // first renew.sh finds them due, as Let's Encrypt's 90-day ones are after 60 days.
  const pebbleDir = join(work, 'pebble');
  mkdirSync(pebbleDir, { mode: 0o755 });
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=pebble', '-addext', 'subjectAltName=DNS:pebble,IP:127.0.0.1', '-keyout', join(pebbleDir, 'key.pem'), '-out', join(pebbleDir, 'tls-ca.pem')]);
  await run('chmod', ['644', join(pebbleDir, 'key.pem')]);
  writeFileSync(
    join(pebbleDir, 'config.json'),
    JSON.stringify({ pebble: { listenAddress: '0.0.0.0:14000', managementListenAddress: '0.0.0.0:15000', certificate: '/etc/pebble/tls-ca.pem', privateKey: '/etc/pebble/key.pem', httpPort: 80, tlsPort: 443, ocspResponderURL: '', externalAccountBindingRequired: false, certificateValidityPeriod: 29 * 86_400 } }),
  );

  const httpPort = await freePort();
  const httpsPort = await freePort();
  const envFile = join(work, '.env');
  const operatorEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ECAR_ENV_FILE: envFile,
    COMPOSE_PROJECT_NAME: project,
    ECAR_CONFIG_DIR: join(work, 'etc'),
    ECAR_BACKUP_DIR: join(work, 'backups'),
    ECAR_DOMAIN: domain,
    ECAR_SERVER_NAME: domain,
    ECAR_BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    ECAR_SMTP_ALLOWED_HOSTS: 'smtp.example.tn',
    ECAR_SFTP_HOST: 'sftp',
    ECAR_SFTP_USERNAME: 'ecar',
    ECAR_SELLER_NAME: 'Garage Exemple SARL',
    ECAR_SELLER_ADDRESS: '12 rue de Marseille, 1000 Tunis',
    ECAR_SELLER_TAX_ID: '1234567/A/B/M/000',
    ECAR_SELLER_TRADE_REGISTER: 'B0123452026',
    // The published ports arrive from Docker's bridge networks.
    ECAR_ADMIN_ALLOW: '172.16.0.0/12,192.168.0.0/16,10.0.0.0/8',
    ECAR_PUBLISH_ADDRESS: '127.0.0.1',
    ECAR_HTTP_PORT: String(httpPort),
    ECAR_HTTPS_PORT: String(httpsPort),
    ECAR_NGINX_HTTP2: 'listen-flag',
    ECAR_SMTP_URL_FILE: join(inputs, 'smtp_url'),
    ECAR_BACKUP_PUBLIC_KEY_FILE: join(inputs, 'backup-public.pem'),
    ECAR_SFTP_KNOWN_HOSTS_FILE: join(inputs, 'known_hosts'),
    ECAR_TEIF_P12_FILE: join(inputs, 'teif.p12'),
    ECAR_TEIF_P12_PASSWORD_FILE: join(inputs, 'teif_password'),
    ECAR_TTN_URL: 'https://elfatoora.ttn.example.tn/ws',
    ECAR_TTN_LOGIN: 'garage-exemple',
    ECAR_TTN_PASSWORD_FILE: join(inputs, 'ttn_password'),
    ECAR_SMS_GATEWAY_URL: 'https://sms.example.tn/v1/messages',
    ECAR_SMS_API_KEY_FILE: join(inputs, 'sms_api_key'),
    ECAR_NOTIFY_SMTP_URL_FILE: join(inputs, 'notify_smtp_url'),
  };
  for (const line of built.stdout.trim().split('\n')) {
    const [name, value] = line.split('=');
    if (name && value) operatorEnv[name] = value;
  }
  started = Date.now();
  await run('bash', [join(root, 'scripts/deploy/prepare-host.sh')], { env: operatorEnv, cwd: root });
  timings['prepare-host.sh'] = Date.now() - started;
  // The test's own addition to .env: the SFTP host's image and files (compose.test.yml).
  writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}ECAR_SFTP_TEST_IMAGE=${operatorEnv['ECAR_SFTP_TEST_IMAGE']}\nECAR_TEST_SFTP_DIR=${sftpDir}\nECAR_PEBBLE_TEST_IMAGE=${operatorEnv['ECAR_PEBBLE_TEST_IMAGE']}\nECAR_TEST_PEBBLE_DIR=${pebbleDir}\nECAR_TEST_FAKES_DIR=${fakesDir}\nECAR_TEST_SMS_API_KEY=${smsApiKey}\n`);
  writeFileSync(join(sftpDir, 'authorized_keys'), readFileSync(join(work, 'etc', 'backup_sftp_key.pub')), { mode: 0o644 });
  const images: Record<string, string> = {};
  for (const line of built.stdout.trim().split('\n')) {
    const [name, value] = line.split('=');
    if (name && value) images[name] = value;
  }
  return { envFile, httpPort, httpsPort, images };
}
