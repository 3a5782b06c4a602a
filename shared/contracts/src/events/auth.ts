import { z } from 'zod';

/** Events published by the auth service. */
export const authEvents = {
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
} as const;
