// Docker HEALTHCHECK for the Node deployables, on the deployable's own port. The services answer
// GET /health/ready and listen with mutual TLS in production (ECAR_TLS_* set, ENC-6), so the
// check presents the deployable's own certificate like every internal client. The gateway
// listens with mutual TLS too in production (nginx is its client, issue 12 finding 9; plain
// HTTP in development only) and is ready when its revocation deny-list is fed:
// GET /health/revocations.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const port = Number(process.env.PORT ?? 8080);
const gateway = process.env.ECAR_DEPLOYABLE === 'gateway';
const listensWithTls = (!gateway || process.env.NODE_ENV === 'production') && process.env.ECAR_TLS_CERT_FILE && process.env.ECAR_TLS_KEY_FILE && process.env.ECAR_TLS_CA_FILE;
const path = gateway ? '/health/revocations' : '/health/ready';
const options = {
  host: '127.0.0.1',
  port,
  path,
  timeout: 4000,
  ...(listensWithTls
    ? {
        cert: readFileSync(process.env.ECAR_TLS_CERT_FILE),
        key: readFileSync(process.env.ECAR_TLS_KEY_FILE),
        ca: readFileSync(process.env.ECAR_TLS_CA_FILE),
        servername: process.env.ECAR_TLS_SERVERNAME ?? process.env.HOSTNAME,
      }
    : {}),
};
const request = (listensWithTls ? https : http).get(options, (response) => {
  response.resume();
  if (response.statusCode !== 200) process.stderr.write(`health check: ${path} answered ${response.statusCode}\n`);
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', (error) => {
  process.stderr.write(`health check failed: ${error.message}\n`);
  process.exit(1);
});
