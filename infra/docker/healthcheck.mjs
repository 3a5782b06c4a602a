// Docker HEALTHCHECK for the Node deployables: GET /health/ready on the service's own port.
// With ECAR_TLS_CERT_FILE/ECAR_TLS_KEY_FILE/ECAR_TLS_CA_FILE set (production, ENC-6) it speaks
// mutual TLS like every other internal client; otherwise plain HTTP on loopback.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const port = Number(process.env.PORT ?? 8080);
const tls = process.env.ECAR_TLS_CERT_FILE && process.env.ECAR_TLS_KEY_FILE && process.env.ECAR_TLS_CA_FILE;
const options = {
  host: '127.0.0.1',
  port,
  path: '/health/ready',
  timeout: 4000,
  ...(tls
    ? {
        cert: readFileSync(process.env.ECAR_TLS_CERT_FILE),
        key: readFileSync(process.env.ECAR_TLS_KEY_FILE),
        ca: readFileSync(process.env.ECAR_TLS_CA_FILE),
        servername: process.env.ECAR_TLS_SERVERNAME ?? process.env.HOSTNAME,
      }
    : {}),
};
const request = (tls ? https : http).get(options, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', (error) => {
  process.stderr.write(`health check failed: ${error.message}\n`);
  process.exit(1);
});
