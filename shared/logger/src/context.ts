import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line and every published event of one request or message carries. */
export interface RequestContext {
  correlationId: string;
  requestId?: string;
  actor?: { userId?: string; role?: string; ip?: string; userAgent?: string };
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
