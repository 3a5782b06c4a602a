/** One problem detail of a validation failure: where, a stable code, and a readable message. */
export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

export interface AppErrorOptions {
  status: number;
  /** Stable machine name: the last segment of the problem type URI. */
  name: string;
  title: string;
  /** A catastrophic error leaves the process in an unknown state: log, answer, then exit. */
  isCatastrophic?: boolean;
  cause?: unknown;
  errors?: FieldProblem[];
  headers?: Record<string, string>;
  /** RFC 9457 extension members the client acts on (e.g. the bookings a change would displace). */
  extensions?: Record<string, unknown>;
}

/**
 * The one error type the services throw on purpose. Anything else reaching the error handler is
 * a bug: answered as 500 without detail, logged with its stack, and counted.
 */
export class AppError extends Error {
  readonly status: number;
  readonly problemName: string;
  readonly title: string;
  readonly isCatastrophic: boolean;
  readonly errors: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown> | undefined;

  constructor(message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status;
    this.problemName = options.name;
    this.title = options.title;
    this.isCatastrophic = options.isCatastrophic ?? false;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions;
  }
}

export const badRequest = (message: string, errors?: FieldProblem[]) =>
  new AppError(message, { status: 400, name: 'validation', title: 'Invalid request', ...(errors ? { errors } : {}) });
export const unauthorized = (message = 'Authentication required') =>
  new AppError(message, { status: 401, name: 'unauthorized', title: 'Unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (message = 'You may not do this') =>
  new AppError(message, { status: 403, name: 'forbidden', title: 'Forbidden' });
/** Also the answer for objects the caller may not see (404, not 403: no existence oracle). */
export const notFound = (message = 'Not found') => new AppError(message, { status: 404, name: 'not-found', title: 'Not found' });
export const conflict = (message: string, extensions?: Record<string, unknown>) =>
  new AppError(message, { status: 409, name: 'conflict', title: 'Conflict', ...(extensions ? { extensions } : {}) });
export const payloadTooLarge = (message = 'Request body too large') =>
  new AppError(message, { status: 413, name: 'payload-too-large', title: 'Payload too large' });
export const unsupportedMediaType = (message = 'Content-Type must be application/json') =>
  new AppError(message, { status: 415, name: 'unsupported-media-type', title: 'Unsupported media type' });
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests') =>
  new AppError(message, {
    status: 429,
    name: 'rate-limited',
    title: 'Too many requests',
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
/** An upstream answered in a way the gateway cannot pass on (not counted as unavailability). */
export const badGateway = (message: string) => new AppError(message, { status: 502, name: 'bad-gateway', title: 'Bad gateway' });
export const serviceUnavailable = (message = 'Service temporarily unavailable', retryAfterSeconds = 5) =>
  new AppError(message, {
    status: 503,
    name: 'service-unavailable',
    title: 'Service unavailable',
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
