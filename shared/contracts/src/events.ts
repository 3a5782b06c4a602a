import { z } from 'zod';

/**
 * Every event type a service publishes, with the schema of its `data`. Producers build events
 * through `defineEvent` and consumers validate with the same schema, so both sides share one
 * contract. The audit service stores every type listed here (tests assert it).
 */
export const eventCatalogue = {
  'auth.login.succeeded': {
    version: 1,
    data: z.object({ email: z.string().max(320), mfa: z.boolean() }).strict(),
  },
  'auth.login.failed': {
    version: 1,
    data: z
      .object({
        email: z.string().max(320),
        reason: z.enum(['unknown_user', 'bad_password', 'disabled', 'locked', 'mfa_failed']),
      })
      .strict(),
  },
  'auth.token.refreshed': {
    version: 1,
    data: z.object({ sessionId: z.uuid() }).strict(),
  },
  'auth.token.reuse_detected': {
    version: 1,
    data: z.object({ sessionId: z.uuid() }).strict(),
  },
  'auth.session.revoked': {
    version: 1,
    data: z.object({ sessionId: z.uuid(), reason: z.string().max(64) }).strict(),
  },
  'auth.user.created': {
    version: 1,
    data: z.object({ email: z.string().max(320), role: z.string().max(32) }).strict(),
  },
} as const satisfies Record<string, { version: number; data: z.ZodType }>;

export type EventType = keyof typeof eventCatalogue;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalogue)[T]['data']>;

export const EVENT_TYPES = Object.keys(eventCatalogue) as EventType[];

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalogue, type);
}
