import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { runWithContext } from '@ecar/logger';

/** Ids from outside are accepted only when they look like ids (no log injection, bounded size). */
const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

function incomingId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && SAFE_ID.test(value) ? value : undefined;
}

/** Gives every request a request id and a correlation id, echoed in headers and logs. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const requestId = incomingId(req.headers['x-request-id']) ?? randomUUID();
  const correlationId = incomingId(req.headers['x-correlation-id']) ?? requestId;
  res.locals['requestId'] = requestId;
  res.locals['correlationId'] = correlationId;
  res.setHeader('X-Request-Id', requestId);
  res.setHeader('X-Correlation-Id', correlationId);
  runWithContext({ correlationId, requestId }, () => next());
}
