import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { forbidden } from '@ecar/errors';

/** The deployable whose `X-Forwarded-For` a service believes: the gateway, by its certificate. */
export const DEFAULT_TRUSTED_PROXY_IDENTITIES: readonly string[] = ['gateway'];

function unmapped(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The common name of the verified client certificate on a mutual-TLS request, else undefined. */
export function peerIdentity(req: Request): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, unknown> | undefined;
  const commonName = subject?.['CN'];
  return typeof commonName === 'string' ? commonName : undefined;
}

/**
 * The client address of a request over mutual TLS (finding 1 of issue 12). Network addresses
 * say nothing inside containers (every request comes from the gateway's), so a service believes
 * `X-Forwarded-For` only from a peer whose verified certificate names a trusted proxy (the
 * gateway, which overwrites the header with the one address it established); from any other
 * peer the header is ignored and the address is the socket's. Without TLS (development) express's
 * `trust proxy` applies as before.
 */
export function clientAddress(trustedIdentities: readonly string[] = DEFAULT_TRUSTED_PROXY_IDENTITIES) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if ((req.socket as Partial<TLSSocket>).encrypted) {
      const identity = peerIdentity(req);
      const header = req.headers['x-forwarded-for'];
      const forwarded = identity !== undefined && trustedIdentities.includes(identity) && typeof header === 'string' ? header.split(',').at(-1)?.trim() : undefined;
      const ip = forwarded && isIP(forwarded) ? unmapped(forwarded) : unmapped(req.socket.remoteAddress);
      Object.defineProperty(req, 'ip', { value: ip, configurable: true, enumerable: true });
    }
    next();
  };
}

/**
 * Authorises the mutual-TLS peer by its certificate's name (finding 9 of issue 12): every
 * deployable holds a certificate of the internal CA, so the CA alone says only "one of ours".
 * Requests from a peer whose verified certificate names none of `allowed` get 403 problem+json.
 * Without TLS (development) nothing is checked.
 */
export function requirePeer(allowed: readonly string[], what: 'listener' | 'route' = 'listener') {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!(req.socket as Partial<TLSSocket>).encrypted) {
      next();
      return;
    }
    const identity = peerIdentity(req);
    next(identity !== undefined && allowed.includes(identity) ? undefined : forbidden(`This ${what} serves ${allowed.join(', ')} only`));
  };
}
