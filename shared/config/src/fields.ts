import { createHash } from 'node:crypto';

export type Mode = 'production' | 'development' | 'test';

export interface FieldContext {
  name: string;
  mode: Mode;
  /** Collects a warning that the service prints at boot (dev defaults in use, and so on). */
  warn(message: string): void;
}

/** One configuration key: how to read it from text, its default, and whether it is a secret. */
export interface Field<T> {
  doc: string;
  secret: boolean;
  parse(raw: string | undefined, context: FieldContext): T;
}

export class FieldError extends Error {}

/** Values that are public knowledge and must never protect production. */
const KNOWN_WEAK = new Set(
  ['changeme', 'change-me', 'password', 'secret', 'admin', 'guest', 'default', 'example', 'test', 'dev', 'postgres', 'root', 'letmein', '123456', 'qwerty'].map((v) => v.toLowerCase()),
);

/** The value a secret takes in development when none is given: stable, public, refused in production. */
export function devSecret(name: string, bytes = 32): string {
  return createHash('sha256').update(`ecar-development-only:${name}`).digest().subarray(0, bytes).toString('base64');
}

function distinctCharacters(value: string): number {
  return new Set(value).size;
}

/** Rejects secrets a production deployment must never run with; the message names the variable. */
export function assertStrongSecret(name: string, value: string, minLength: number, devValue?: string): void {
  if (devValue !== undefined && value === devValue) {
    throw new FieldError(`${name} is the development default; set a real secret in production`);
  }
  if (KNOWN_WEAK.has(value.toLowerCase())) throw new FieldError(`${name} is a well-known weak value`);
  if (value.length < minLength) throw new FieldError(`${name} is too short (at least ${minLength} characters)`);
  if (distinctCharacters(value) < Math.min(10, Math.floor(minLength / 2))) {
    throw new FieldError(`${name} has too little variety to be a secret`);
  }
}

function required<T>(raw: string | undefined, context: FieldContext, fallback: T | undefined): string | T {
  if (raw !== undefined && raw !== '') return raw;
  if (fallback !== undefined) return fallback;
  throw new FieldError(`${context.name} is required`);
}

export const field = {
  string(options: { doc: string; default?: string; maxLength?: number; pattern?: RegExp }): Field<string> {
    return {
      doc: options.doc,
      secret: false,
      parse(raw, context) {
        const value = required(raw, context, options.default);
        if (options.maxLength !== undefined && value.length > options.maxLength) {
          throw new FieldError(`${context.name} is longer than ${options.maxLength} characters`);
        }
        if (options.pattern && !options.pattern.test(value)) {
          throw new FieldError(`${context.name} does not match ${options.pattern}`);
        }
        return value;
      },
    };
  },

  int(options: { doc: string; default?: number; min?: number; max?: number }): Field<number> {
    return {
      doc: options.doc,
      secret: false,
      parse(raw, context) {
        const value = required<number>(raw, context, options.default);
        const number = typeof value === 'number' ? value : Number(value);
        if (!Number.isInteger(number)) throw new FieldError(`${context.name} must be an integer`);
        if (options.min !== undefined && number < options.min) throw new FieldError(`${context.name} must be ≥ ${options.min}`);
        if (options.max !== undefined && number > options.max) throw new FieldError(`${context.name} must be ≤ ${options.max}`);
        return number;
      },
    };
  },

  port(options: { doc: string; default: number }): Field<number> {
    return field.int({ ...options, min: 0, max: 65535 });
  },

  bool(options: { doc: string; default: boolean }): Field<boolean> {
    return {
      doc: options.doc,
      secret: false,
      parse(raw, context) {
        if (raw === undefined || raw === '') return options.default;
        if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
        if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
        throw new FieldError(`${context.name} must be true or false`);
      },
    };
  },

  oneOf<const T extends string>(options: { doc: string; values: readonly T[]; default?: T }): Field<T> {
    return {
      doc: options.doc,
      secret: false,
      parse(raw, context) {
        const value = required(raw, context, options.default);
        if (!(options.values as readonly string[]).includes(value)) {
          throw new FieldError(`${context.name} must be one of ${options.values.join(', ')}`);
        }
        return value as T;
      },
    };
  },

  list(options: { doc: string; default?: string[]; item?: RegExp }): Field<string[]> {
    return {
      doc: options.doc,
      secret: false,
      parse(raw, context) {
        if (raw === undefined || raw.trim() === '') {
          if (options.default) return [...options.default];
          throw new FieldError(`${context.name} is required`);
        }
        const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
        for (const item of items) {
          if (options.item && !options.item.test(item)) throw new FieldError(`${context.name}: "${item}" is not valid`);
        }
        return items;
      },
    };
  },

  url(options: { doc: string; default?: string; protocols: string[] }): Field<string> {
    return {
      doc: options.doc,
      secret: false,
      parse(raw, context) {
        const value = required(raw, context, options.default);
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new FieldError(`${context.name} is not a valid URL`);
        }
        if (!options.protocols.includes(url.protocol)) {
          throw new FieldError(`${context.name} must use ${options.protocols.join(' or ')}`);
        }
        return value;
      },
    };
  },

  /** An optional URL (unset = the feature is off), e.g. a Sentry DSN; secret since it may hold a key. */
  optionalUrl(options: { doc: string; protocols: string[]; productionTls?: (url: URL) => string | undefined }): Field<string | undefined> {
    const plain = field.url({ doc: options.doc, protocols: options.protocols });
    return {
      doc: options.doc,
      secret: true,
      parse(raw, context) {
        if (raw === undefined || raw === '') return undefined;
        const value = plain.parse(raw, context);
        const tlsProblem = context.mode === 'production' ? options.productionTls?.(new URL(value)) : undefined;
        if (tlsProblem) throw new FieldError(`${context.name}: ${tlsProblem}`);
        return value;
      },
    };
  },

  /**
   * A connection URL that carries a password (database, broker). Production requires a strong
   * password in it; development may fall back to the local trust-auth default.
   */
  secretUrl(options: { doc: string; dev: string; protocols: string[]; productionTls?: (url: URL) => string | undefined }): Field<string> {
    const plain = field.url({ doc: options.doc, protocols: options.protocols });
    return {
      doc: options.doc,
      secret: true,
      parse(raw, context) {
        if (raw === undefined || raw === '') {
          if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (set ${context.name} or ${context.name}_FILE)`);
          context.warn(`${context.name} not set: using the development default`);
          return plain.parse(options.dev, context);
        }
        const value = plain.parse(raw, context);
        if (context.mode === 'production') {
          if (value === options.dev) throw new FieldError(`${context.name} is the development default; production needs its own credentials`);
          const url = new URL(value);
          const password = decodeURIComponent(url.password);
          if (!password) throw new FieldError(`${context.name} has no password; production needs one`);
          assertStrongSecret(`${context.name} password`, password, 16);
          const tlsProblem = options.productionTls?.(url);
          if (tlsProblem) throw new FieldError(`${context.name}: ${tlsProblem}`);
        }
        return value;
      },
    };
  },

  /** A random key given as base64 (e.g. `openssl rand -base64 32`), decoded to bytes. */
  secretKey(options: { doc: string; bytes: number }): Field<Buffer> {
    return {
      doc: options.doc,
      secret: true,
      parse(raw, context) {
        const devValue = devSecret(context.name, options.bytes);
        if (raw === undefined || raw === '') {
          if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (set ${context.name} or ${context.name}_FILE)`);
          context.warn(`${context.name} not set: using a public development key`);
          return Buffer.from(devValue, 'base64');
        }
        const trimmed = raw.trim();
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new FieldError(`${context.name} must be base64`);
        const bytes = Buffer.from(trimmed, 'base64');
        if (bytes.length !== options.bytes) throw new FieldError(`${context.name} must decode to ${options.bytes} bytes (got ${bytes.length})`);
        if (context.mode === 'production') {
          if (trimmed === devValue) throw new FieldError(`${context.name} is the development default; set a real key in production`);
          if (new Set(bytes).size < Math.min(16, options.bytes / 2)) throw new FieldError(`${context.name} does not look random`);
        }
        return bytes;
      },
    };
  },

  /**
   * A PEM document (certificate or key), usually given as `NAME_FILE`. `requiredInProduction`
   * makes it mandatory when NODE_ENV=production (internal TLS, ENC-6).
   */
  pem(options: { doc: string; requiredInProduction: boolean }): Field<string | undefined> {
    return {
      doc: options.doc,
      secret: true,
      parse(raw, context) {
        if (raw === undefined || raw.trim() === '') {
          if (options.requiredInProduction && context.mode === 'production') {
            throw new FieldError(`${context.name} is required in production (set ${context.name}_FILE to a PEM file)`);
          }
          return undefined;
        }
        if (!/^-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----\s*$/.test(raw.trim())) {
          throw new FieldError(`${context.name} is not a PEM document`);
        }
        return raw;
      },
    };
  },

  /** A password-like secret (bootstrap admin password, webhook token). */
  secretString(options: { doc: string; minLength: number; optional?: boolean }): Field<string | undefined> {
    return {
      doc: options.doc,
      secret: true,
      parse(raw, context) {
        if (raw === undefined || raw === '') {
          if (options.optional) return undefined;
          if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (set ${context.name} or ${context.name}_FILE)`);
          context.warn(`${context.name} not set: using the development default`);
          return devSecret(context.name);
        }
        if (context.mode === 'production') assertStrongSecret(context.name, raw, options.minLength, devSecret(context.name));
        return raw;
      },
    };
  },
};
