import { z } from 'zod';

const id = z.uuid();
const channel = z.enum(['sms', 'email']);
const language = z.enum(['fr', 'ar', 'en']);
const category = z.enum(['service', 'marketing']);

/** The message, never its content: ids, template, channel and outcome (AUD-1 without personal data). */
const messageRef = z
  .object({
    messageId: id,
    customerId: id,
    template: z.string().min(1).max(64),
    category,
    channel,
    language,
  })
  .strict();

const v1 = <T extends z.ZodType>(data: T) => ({ version: 1, data }) as const;

/**
 * Events published by the notify service. They audit every message (what was sent to whom, by
 * which channel, with which outcome) without the text, the phone number or the e-mail address.
 */
export const notifyEvents = {
  /** A message was accepted for delivery (a customer-facing event, preferences and consent allow it). */
  'notify.message.queued': v1(messageRef.extend({ sourceEventId: id, sourceType: z.string().max(128) }).strict()),
  'notify.message.sent': v1(messageRef.extend({ attempts: z.number().int().min(1) }).strict()),
  /** Delivery gave up (after the retries, or at once when it cannot succeed: no phone, no e-mail). */
  'notify.message.failed': v1(messageRef.extend({ attempts: z.number().int().min(0), reason: z.string().min(1).max(200) }).strict()),
  /** Not sent on purpose: opted out, no consent (marketing), over the per-customer rate limit. */
  'notify.message.suppressed': v1(messageRef.extend({ reason: z.enum(['opted_out', 'no_consent', 'rate_limited', 'anonymised']) }).strict()),
  /** The customer's channel, language or consents changed (field names only; `changes` masked). */
  'notify.preferences.updated': v1(
    z
      .object({ customerId: id, fields: z.array(z.string().max(64)).max(16), marketingConsent: z.boolean(), serviceMessages: z.boolean() })
      .strict(),
  ),
} as const;
