import { withQuery, type QueryValue } from './url.ts';

/**
 * The one way the browser talks to the API (cookie mode, AUTH-3/APP-4): tokens live in
 * HttpOnly `__Host-` cookies the page cannot read; every state-changing request carries the
 * session's CSRF token in X-CSRF-Token, as the portal did. A 401 first tries a silent refresh
 * with the refresh cookie; if that fails, the session-expired handler (a sign-in dialog over the
 * current screen, so nothing typed is lost) is awaited and the request retried once.
 */

/** One field problem as the services send it (problem+json `errors`). */
export interface FieldProblem {
  path: string;
  code?: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldProblem[];
  'invalid-params'?: Array<{ name: string; reason: string }>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Field errors from `errors` (ECAR services) or RFC 7807's `invalid-params`. */
  get fieldErrors(): FieldProblem[] {
    const fromErrors = this.problem.errors ?? [];
    const fromParams = (this.problem['invalid-params'] ?? []).map((param) => ({ path: param.name, message: param.reason }));
    return [...fromErrors, ...fromParams].filter((field) => typeof field.path === 'string' && typeof field.message === 'string');
  }
}

/** The request never got an answer (offline, server down): shown as a network error. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/**
 * Calls made without a session — signing in, and the self-service account links (sign-up,
 * e-mail verification, password reset): they need no CSRF token, and a 401 there means wrong
 * credentials, not an expired session.
 */
const SESSION_ENDPOINTS = new Set([
  '/api/v1/auth/login',
  '/api/v1/auth/login/mfa',
  '/api/v1/auth/refresh',
  '/api/v1/auth/csrf',
  '/api/v1/auth/register',
  '/api/v1/auth/email/verify',
  '/api/v1/auth/password/reset',
  '/api/v1/auth/password/reset/confirm',
  '/api/v1/auth/email/verify/resend',
  // A buyer's check of a maintenance book (issue 15): public, no session behind it.
  '/api/v1/public/maintenance-book/verifications',
]);

let csrfToken: string | undefined;
let refreshing: Promise<boolean> | undefined;
let sessionExpired: (() => Promise<void>) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Installed by the session while someone is signed in; resolves once they signed in again. */
export function setSessionExpiredHandler(handler: (() => Promise<void>) | undefined): void {
  sessionExpired = handler;
}

export { withQuery, type QueryValue };

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A JSON body. */
  json?: unknown;
  /** A multipart body. */
  form?: FormData;
  /** A raw body with its media type (document uploads: PDF, JPEG, PNG). */
  raw?: { body: Blob | ArrayBuffer; contentType: string };
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}


async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers = new Headers({ accept: 'application/json, application/problem+json' });
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  } else if (options.raw) {
    headers.set('content-type', options.raw.contentType);
    body = options.raw.body;
  }
  if (!SAFE_METHODS.has(method) && csrfToken) headers.set(CSRF_HEADER, csrfToken);
  try {
    return await fetch(withQuery(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal ?? null });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError(error);
  }
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  if (!text) return { status: response.status };
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Problem) : { status: response.status };
  } catch {
    return { status: response.status };
  }
}

/** One refresh at a time, whatever the number of requests that got a 401 together. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await send('/api/v1/auth/refresh', { method: 'POST', json: {} });
      if (!response.ok) return false;
      const body = (await response.json()) as { csrfToken?: string };
      if (body.csrfToken) csrfToken = body.csrfToken;
      return true;
    } catch {
      return false;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

async function ensureCsrfToken(): Promise<void> {
  if (csrfToken) return;
  const { csrfToken: token } = await apiJson<{ csrfToken: string }>('/api/v1/auth/csrf');
  csrfToken = token;
}

/** The raw response of an authenticated call (2xx only), after refresh and re-sign-in. */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const sessionCall = SESSION_ENDPOINTS.has(path);
  if (!SAFE_METHODS.has(method) && !sessionCall) await ensureCsrfToken();
  let response = await send(path, options);
  if (response.status === 401 && !sessionCall) {
    if (await refreshSession()) {
      response = await send(path, options);
    } else if (sessionExpired) {
      await sessionExpired();
      if (!SAFE_METHODS.has(method)) await ensureCsrfToken();
      response = await send(path, options);
    }
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
}

/** A JSON call; 204 gives undefined. */
export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiResponse(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Downloads a file the API sends (PDF, CSV, JSON export) under the given name. */
export async function downloadFile(path: string, fileName: string, options: RequestOptions = {}): Promise<void> {
  const blob = await (await apiResponse(path, options)).blob();
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
