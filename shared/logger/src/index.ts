import winston from 'winston';
import { currentContext } from './context.ts';
import { redact } from './redact.ts';

export { runWithContext, currentContext, type RequestContext } from './context.ts';
export { redact, redactText, isSensitiveKey } from './redact.ts';

export type Logger = winston.Logger;

const redactFormat = winston.format((info) => {
  const context = currentContext();
  const cleaned = redact({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned);
  if (context) {
    info['correlationId'] ??= context.correlationId;
    if (context.requestId) info['requestId'] ??= context.requestId;
  }
  return info;
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Silences output (tests that assert on nothing the logger prints). */
  silent?: boolean;
}

/** A JSON logger on stdout with correlation ids and secret redaction applied to every line. */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    silent: options.silent ?? process.env['LOG_SILENT'] === '1',
    defaultMeta: { service: options.service },
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
