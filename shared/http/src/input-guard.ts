import { isUtf8 } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { AppError, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, badRequest, isSafeText, unsafeTextAt, unsupportedMediaType } from '@ecar/errors';

/*
 * Transport-level input rules shared by every service, applied before any route sees the
 * request: whatever a client sends in the path, the query, the body's encoding or its text, the
 * answer to a malformed request is a 4xx problem, never an exception deep in a handler or a
 * database error (APP-1).
 */

const unsafeText = (where: string, at: string) =>
  badRequest(`The ${where} contains control characters or lone surrogates`, [{ path: at, code: 'unsafe_text', message: 'control characters and lone surrogates are not allowed' }]);

function decodes(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

/** Each path segment must be valid percent-encoded UTF-8 and, decoded, safe text on one line. */
export function pathGuard(req: Request, _res: Response, next: NextFunction): void {
  for (const segment of req.path.split('/')) {
    const decoded = decodes(segment);
    if (decoded === undefined) {
      next(badRequest('The request path is not valid percent-encoded UTF-8'));
      return;
    }
    if (!isSafeText(decoded) || /[\t\n\r]/.test(decoded)) {
      next(unsafeText('request path', 'path'));
      return;
    }
  }
  next();
}

/** Names and values of the query string: valid percent-encoded UTF-8, and safe text once decoded. */
export function queryGuard(req: Request, _res: Response, next: NextFunction): void {
  const mark = req.originalUrl.indexOf('?');
  const raw = mark < 0 ? '' : req.originalUrl.slice(mark + 1);
  const malformed = raw.split(/[&=]/).some((component) => decodes(component.replace(/\+/g, ' ')) === undefined);
  if (malformed) {
    next(badRequest('The query string is not valid percent-encoded UTF-8'));
    return;
  }
  const at = unsafeTextAt(req.query);
  next(at === undefined ? undefined : unsafeText('query', at));
}

/** After JSON parsing: every string and key of the body passes the shared text rule. */
export function jsonTextGuard(req: Request, _res: Response, next: NextFunction): void {
  const at = unsafeTextAt(req.body);
  next(at === undefined ? undefined : unsafeText('request body', at));
}

/** `verify` of the JSON parser: the (decoded) bytes are UTF-8, not bytes replaced by U+FFFD. */
export function verifyUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw badRequest('The request body is not valid UTF-8');
}

/** Uploads are stored as sent: a compressed body would not be the file its Content-Type names. */
export function refuseEncodedRawBody(req: Request): AppError | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  return encoding === 'identity' ? undefined : unsupportedMediaType('Uploads are accepted without a Content-Encoding only');
}

/**
 * Errors raised below the routes by express and Node for malformed transport: an undecodable
 * path parameter (URIError), a body that does not match its Content-Encoding (zlib, brotli), and
 * the 4xx errors express' own layers create (http-errors with `expose`).
 */
export function transportProblem(error: unknown): AppError | undefined {
  if (error instanceof URIError) return badRequest('The request path is not valid percent-encoded UTF-8');
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, status, expose } = error as { code?: unknown; status?: unknown; expose?: unknown };
  if (typeof code === 'string' && /^(Z_|ERR__)/.test(code)) return badRequest('The request body does not match its Content-Encoding');
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError((error as Error).message, { status, name: status === 413 ? 'payload-too-large' : 'validation', title: 'Invalid request' });
  }
  return undefined;
}

/**
 * What Node answers itself to a request it cannot parse (bad framing, oversized headers): the
 * same problem+json as everything else, then the connection closes.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, title] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request header fields too large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request timeout'] : [400, 'Bad request'];
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${status === 400 ? 'malformed-request' : status === 431 ? 'headers-too-large' : 'request-timeout'}`, title, status, detail: 'The request could not be parsed as HTTP' });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
