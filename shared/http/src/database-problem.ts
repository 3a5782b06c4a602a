import { serviceUnavailable, type AppError } from '@ecar/errors';

/**
 * SQLSTATEs that say "the database cannot serve this now", not "this request is wrong":
 * class 08 (connection exception), 53 (insufficient resources: too many connections, disk full,
 * out of memory), 57P01–57P03 (server shutting down or starting), 57014 (statement timeout:
 * the server was too busy to answer in time).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[123]|57014)$/;
/** node-postgres' own messages when it cannot get or keep a connection (no SQLSTATE then). */
const UNAVAILABLE_MESSAGE = /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|connect ECONNREFUSED|Client has encountered a connection error)/;
const UNAVAILABLE_CODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * A database that is saturated or unreachable answers 503 with Retry-After (the client, or the
 * gateway's breaker, retries), instead of a 500 that reads as a bug. TypeORM hands pool errors
 * through unchanged and wraps query errors (QueryFailedError keeps the driver's code).
 */
export function databaseProblem(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, driverError } = error as { code?: unknown; message?: unknown; driverError?: unknown };
  const sqlstate = typeof code === 'string' ? code : typeof (driverError as { code?: unknown } | undefined)?.code === 'string' ? String((driverError as { code: string }).code) : undefined;
  const unavailable =
    (sqlstate !== undefined && (UNAVAILABLE_SQLSTATE.test(sqlstate) || UNAVAILABLE_CODE.has(sqlstate))) || (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message));
  return unavailable ? serviceUnavailable('The database is busy or unreachable; try again shortly', 2) : undefined;
}
