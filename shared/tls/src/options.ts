import type { SecureContextOptions } from 'node:tls';

/** PEM material of one deployable's internal TLS identity (ENC-6). */
export interface InternalTls {
  cert: string;
  key: string;
  ca: string;
}

/** Server side: TLS 1.2+, and a client certificate signed by the internal CA is required. */
export function serverTlsOptions(tls: InternalTls): SecureContextOptions & { requestCert: true; rejectUnauthorized: true; minVersion: 'TLSv1.2' } {
  return { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
}

/** Client side: present our certificate, trust only the internal CA. */
export function clientTlsOptions(tls: InternalTls): SecureContextOptions & { rejectUnauthorized: true; minVersion: 'TLSv1.2' } {
  return { cert: tls.cert, key: tls.key, ca: tls.ca, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
}

/** All three PEMs or none; half a TLS configuration is an error, not plain HTTP. */
export function internalTlsFrom(values: { cert?: string | undefined; key?: string | undefined; ca?: string | undefined }): InternalTls | undefined {
  const { cert, key, ca } = values;
  if (!cert && !key && !ca) return undefined;
  if (!cert || !key || !ca) throw new Error('internal TLS needs ECAR_TLS_CERT, ECAR_TLS_KEY and ECAR_TLS_CA together');
  return { cert, key, ca };
}
