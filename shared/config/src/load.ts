import { readFileSync } from 'node:fs';
import { FieldError, type Field, type Mode } from './fields.ts';

export type Spec = Record<string, Field<unknown>>;
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export interface LoadedConfig<S extends Spec> {
  mode: Mode;
  values: ConfigOf<S>;
  /** Things an operator must see at boot (development defaults in use, and so on). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function modeOf(env: NodeJS.ProcessEnv): Mode {
  const value = env['NODE_ENV'];
  if (value === 'production') return 'production';
  if (value === 'test') return 'test';
  return 'development';
}

/** `NAME` or the content of the file named by `NAME_FILE` (Docker secrets); both at once is an error. */
function rawValue(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file) throw new FieldError(`${name} and ${name}_FILE are both set; keep one`);
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new FieldError(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return direct;
}

/**
 * Reads and validates every key of `spec` at boot and fails with one error that lists every
 * problem, each naming its variable. Production refuses missing, default or weak secrets.
 */
export function loadConfig<S extends Spec>(service: string, spec: S, env: NodeJS.ProcessEnv = process.env): LoadedConfig<S> {
  const mode = modeOf(env);
  const problems: string[] = [];
  const warnings: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(spec)) {
    try {
      values[name] = definition.parse(rawValue(name, env), { name, mode, warn: (message) => warnings.push(message) });
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return { mode, values: Object.freeze(values) as ConfigOf<S>, warnings };
}

/** The loud banner every non-production process prints at start. */
export function developmentBanner(service: string, loaded: { mode: Mode; warnings: string[] }): string | undefined {
  if (loaded.mode === 'production') return undefined;
  const lines = [
    `*** ${service}: ${loaded.mode.toUpperCase()} MODE — insecure defaults allowed, never expose this to a network ***`,
    ...loaded.warnings.map((warning) => `***   ${warning}`),
  ];
  return lines.join('\n');
}
