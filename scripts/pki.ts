// Creates the internal CA and one certificate per internal TLS peer (ENC-6): the seven
// deployables, Prometheus and nginx (clients: nginx of the gateway), and the PostgreSQL and
// RabbitMQ servers, whose clients verify them with sslmode=verify-full / amqps. Each certificate names its compose service
// (the host name its peers dial) and <name>.internal.
// Usage: node --import tsx scripts/pki.ts <output-dir> [--ca-from <dir>]
// Writes ca.crt/ca.key (keep ca.key offline after issuing) and <name>.crt/<name>.key, mode 0600.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';

const PEERS = ['gateway', 'auth', 'garage', 'billing', 'audit', 'backup', 'notify', 'prometheus', 'postgres', 'rabbitmq', 'nginx'];

const [outDir, flag, caDir] = process.argv.slice(2);
if (!outDir || (flag !== undefined && flag !== '--ca-from')) {
  console.error('usage: node --import tsx scripts/pki.ts <output-dir> [--ca-from <dir-with-ca.crt-and-ca.key>]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true, mode: 0o700 });
const write = (name: string, content: string) => writeFileSync(join(outDir, name), content, { mode: 0o600 });

let ca: Credential;
if (caDir) {
  ca = { certPem: readFileSync(join(caDir, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(caDir, 'ca.key'), 'utf8') };
} else {
  if (existsSync(join(outDir, 'ca.key'))) {
    console.error(`${outDir}/ca.key exists: refusing to replace the CA (use --ca-from ${outDir} to re-issue certificates)`);
    process.exit(1);
  }
  ca = createInternalCa();
  write('ca.key', ca.keyPem);
}
write('ca.crt', ca.certPem);
for (const name of PEERS) {
  const credential = issueServiceCertificate(ca, { name, dnsNames: [`${name}.internal`] });
  write(`${name}.crt`, credential.certPem);
  write(`${name}.key`, credential.keyPem);
  console.log(`issued ${name}.crt (server + client auth, 397 days)`);
}
console.log(`\nInternal PKI in ${outDir}. Move ca.key offline: it is needed only to issue certificates.`);
