/**
 * The service kit's HTTP app (`createServiceApp`, as every service builds it) over mutual TLS,
 * with one route that answers the client address the kit settled on. Run as a process in a
 * network namespace by client-address-netns.test.ts: auth answers only the gateway's certificate
 * on its API (`PEERS.api`), so this is where a non-gateway peer's X-Forwarded-For can be seen
 * believed or not. Environment: PORT, HOST, ECAR_TLS_CERT, ECAR_TLS_KEY, ECAR_TLS_CA.
 */
import { createServiceApp, installProcessHandlers, listen } from '@ecar/http';
import { createLogger } from '@ecar/logger';
import { internalTlsFrom, serverTlsOptions } from '@ecar/tls';

const logger = createLogger({ service: 'address-echo' });
const tls = internalTlsFrom({ cert: process.env['ECAR_TLS_CERT'], key: process.env['ECAR_TLS_KEY'], ca: process.env['ECAR_TLS_CA'] });
if (!tls) throw new Error('address-echo needs ECAR_TLS_CERT, ECAR_TLS_KEY and ECAR_TLS_CA');
const service = createServiceApp({ service: 'address-echo', logger, readiness: [] });
service.app.get('/address', (req, res) => {
  res.json({ ip: req.ip });
});
service.seal();
const server = await listen(service.app, Number(process.env['PORT']), process.env['HOST'] ?? '0.0.0.0', serverTlsOptions(tls));
installProcessHandlers(logger, () => server.close(1000));
