import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, PROBLEM_CONTENT_TYPE, internalProblem, notFound, payloadTooLarge, problemOf, badRequest, unsupportedMediaType, type Problem } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import { databaseProblem } from './database-problem.ts';
import { transportProblem } from './input-guard.ts';

/** Errors from express' body parser carry a `type`; map them to the problem they really are. */
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch ((error as { type: unknown }).type) {
    case 'entity.parse.failed':
      return badRequest('The request body is not valid JSON');
    case 'entity.too.large':
      return payloadTooLarge();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return unsupportedMediaType('Unsupported body encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return badRequest('The request body could not be read');
    default:
      return undefined;
  }
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

export interface ErrorReporter {
  (error: unknown, req: Request): void;
}

export interface ErrorHandlerOptions {
  logger: Logger;
  /** Sentry or another reporter; called only for unexpected (500) errors. */
  report?: ErrorReporter;
  /** Called for catastrophic errors after the answer is sent (the process should exit). */
  onCatastrophic?: (error: AppError) => void;
}

/** The one error path: log, count, answer problem+json; never a stack trace outside the logs. */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = res.locals['requestId'] as string | undefined;
    const instance = req.originalUrl.split('?')[0];
    const known = error instanceof AppError ? error : (fromBodyParser(error) ?? transportProblem(error) ?? databaseProblem(error));
    if (known) {
      const level = known.status >= 500 ? 'error' : 'info';
      options.logger.log(level, 'request failed', { status: known.status, problem: known.problemName, path: instance, method: req.method });
      sendProblem(res, problemOf(known, instance, requestId), known.headers);
      if (known.isCatastrophic) options.onCatastrophic?.(known);
      return;
    }
    options.logger.error('unexpected error', { error, path: instance, method: req.method });
    options.report?.(error, req);
    sendProblem(res, internalProblem(instance, requestId));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`No route for ${req.method} ${req.path}`));
};
