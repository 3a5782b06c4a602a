import type { FieldProblem } from '@ecar/errors';

/** The password rules (AUTH-8, IMP-2); the defaults are the seed's Django validators. */
export interface PasswordPolicyOptions {
  minLength: number;
  /** Longer is refused, never truncated. */
  maxLength: number;
  requireUpper: boolean;
  requireLower: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
  /** Django's UserAttributeSimilarityValidator threshold (quick_ratio ≥ this is too similar). */
  maxSimilarity: number;
  /** How many previous passwords may not be reused (checked by the caller against hashes). */
  historySize: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicyOptions = {
  minLength: 8,
  maxLength: 128,
  requireUpper: true,
  requireLower: true,
  requireDigit: true,
  requireSymbol: true,
  maxSimilarity: 0.7,
  historySize: 5,
};

/** The user's attributes a password must not resemble. */
export interface PasswordSubject {
  email: string;
  displayName?: string;
}

/** Attribute values are capped before comparing so a huge value cannot make the check expensive. */
const MAX_COMPARED_LENGTH = 128;

/**
 * SequenceMatcher.quick_ratio of Python's difflib: 2 × (characters in common, as multisets) /
 * (total length). An upper bound of the real ratio, which is what Django compares.
 */
export function quickRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  const available = new Map<string, number>();
  for (const char of b) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of a) {
    const left = available.get(char) ?? 0;
    if (left > 0) {
      available.set(char, left - 1);
      matches++;
    }
  }
  return (2 * matches) / total;
}

/** Django's shortcut: a value far shorter than the password cannot reach the threshold. */
function exceedsMaximumLengthRatio(password: string, maxSimilarity: number, value: string): boolean {
  return password.length >= 10 * value.length && value.length < (maxSimilarity / 2) * password.length;
}

/** Which attribute the password is too similar to, if any (the whole value and its parts split on non-word characters). */
export function similarAttribute(password: string, subject: PasswordSubject, maxSimilarity: number): string | undefined {
  const lowered = password.toLowerCase().slice(0, MAX_COMPARED_LENGTH);
  const attributes: Array<[string, string | undefined]> = [
    ['e-mail address', subject.email],
    ['name', subject.displayName],
  ];
  for (const [label, value] of attributes) {
    if (!value) continue;
    const whole = value.toLowerCase().slice(0, MAX_COMPARED_LENGTH);
    const parts = [...whole.split(/[^\p{L}\p{N}_]+/u), whole].filter((part) => part.length > 0);
    for (const part of parts) {
      if (exceedsMaximumLengthRatio(lowered, maxSimilarity, part)) continue;
      if (quickRatio(lowered, part) >= maxSimilarity) return label;
    }
  }
  return undefined;
}

/** Every rule the password breaks, each with a stable code and a message; an empty list means it passes. */
export function passwordViolations(
  password: string,
  subject: PasswordSubject,
  options: PasswordPolicyOptions,
  isCommon: (password: string) => boolean,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (code: string, message: string) => problems.push({ path: 'password', code, message });
  const length = [...password].length;
  if (length < options.minLength) add('password_too_short', `The password must contain at least ${options.minLength} characters.`);
  if (length > options.maxLength) add('password_too_long', `The password must contain at most ${options.maxLength} characters.`);
  if (options.requireUpper && !/\p{Lu}/u.test(password)) add('password_no_upper', 'The password must contain an upper-case letter.');
  if (options.requireLower && !/\p{Ll}/u.test(password)) add('password_no_lower', 'The password must contain a lower-case letter.');
  if (options.requireDigit && !/\p{Nd}/u.test(password)) add('password_no_digit', 'The password must contain a digit.');
  if (options.requireSymbol && !/[^\p{L}\p{N}]/u.test(password)) add('password_no_symbol', 'The password must contain a special character.');
  if (/^\d+$/.test(password)) add('password_entirely_numeric', 'The password cannot be entirely numeric.');
  if (length <= options.maxLength) {
    const attribute = similarAttribute(password, subject, options.maxSimilarity);
    if (attribute) add('password_too_similar', `The password is too similar to the ${attribute}.`);
  }
  if (isCommon(password)) add('password_too_common', 'This password is too common.');
  return problems;
}

export const PASSWORD_REUSED: FieldProblem = {
  path: 'password',
  code: 'password_reused',
  message: 'The password must differ from your previous passwords.',
};
