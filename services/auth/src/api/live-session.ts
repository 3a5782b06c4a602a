import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { principalOf } from '@ecar/auth-client';
import { unauthorized } from '@ecar/errors';
import type { SessionService } from '../domain/sessions.ts';

/** auth checks revocation itself against its own table: a revoked session is refused at once. */
export function requireLiveSession(sessions: SessionService): RequestHandler {
  return async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = principalOf(res);
      if (!(await sessions.isLive(principal.sessionId, principal.userId))) throw unauthorized('The session has ended');
      next();
    } catch (error) {
      next(error);
    }
  };
}
