import { type AppError, type FieldProblem } from './app-error.ts';

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
  /** Extension members (RFC 9457 §3.2). */
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'urn:ecar:problem:';

export function problemOf(error: AppError, instance?: string, requestId?: string): Problem {
  return {
    // Extensions first: they never replace a standard member.
    ...(error.extensions ?? {}),
    type: `${PROBLEM_TYPE_BASE}${error.problemName}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

/** What an unexpected error looks like from outside: nothing about its cause. */
export function internalProblem(instance?: string, requestId?: string): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}internal`,
    title: 'Internal error',
    status: 500,
    detail: 'An unexpected error occurred; it has been logged.',
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
