import { z } from 'zod';

/** `<producer>.<entity>.<verb>` in lower case, past tense verb (docs/architecture.md, Events). */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9_-]*\.[a-z][a-z0-9_]*$/;

export const ROLES = ['super-admin', 'technician', 'customer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const userActorSchema = z
  .object({
    userId: z.string().min(1).max(64),
    role: roleSchema,
    email: z.string().max(320).optional(),
    ip: z.string().max(64).optional(),
    userAgent: z.string().max(512).optional(),
  })
  .strict();

/** Something without a user: the scheduler, a consumer reacting to an event, an anonymous caller. */
export const systemActorSchema = z
  .object({
    system: z.string().min(1).max(64),
    ip: z.string().max(64).optional(),
    userAgent: z.string().max(512).optional(),
  })
  .strict();

export const actorSchema = z.union([userActorSchema, systemActorSchema]);
export type Actor = z.infer<typeof actorSchema>;

export const subjectSchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().min(1).max(128),
    ownerId: z.string().max(64).optional(),
  })
  .strict();
export type Subject = z.infer<typeof subjectSchema>;

/** `{ field: [before, after] }`; sensitive values are masked by the producer before publishing. */
export const changesSchema = z.record(z.string().max(128), z.tuple([z.unknown(), z.unknown()]));

export const envelopeSchema = z
  .object({
    id: z.uuid(),
    type: z.string().regex(EVENT_TYPE_PATTERN).max(128),
    version: z.number().int().min(1).max(1000),
    occurredAt: z.iso.datetime({ offset: true }),
    producer: z.string().min(1).max(64),
    correlationId: z.string().min(1).max(128),
    actor: actorSchema,
    subject: subjectSchema,
    data: z.record(z.string(), z.unknown()),
    changes: changesSchema.optional(),
  })
  .strict();

export type EventEnvelope<TData extends Record<string, unknown> = Record<string, unknown>> = Omit<
  z.infer<typeof envelopeSchema>,
  'data'
> & { data: TData };

/** The biggest envelope a consumer accepts; anything larger is dead-lettered unread. */
export const MAX_ENVELOPE_BYTES = 256 * 1024;
