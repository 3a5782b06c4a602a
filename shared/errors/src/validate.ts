import type { z } from 'zod';
import { badRequest, type FieldProblem } from './app-error.ts';

/** Zod issues as problem+json `errors`, every one at once so a client can show them all. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      return { path, code: 'unknown_field', message: `Unknown field(s): ${issue.keys.join(', ')}` };
    }
    return { path, code: issue.code, message: issue.message };
  });
}

/** Parses untrusted input (body, query, params, headers, messages) or throws a 400 problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`The ${what} is invalid`, fieldProblems(result.error));
  return result.data;
}
