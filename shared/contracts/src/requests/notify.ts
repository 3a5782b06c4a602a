import { z } from 'zod';
import { MAX_PAGE_SIZE } from './paging.ts';

/** Request schemas of the notify service (APP-1), shared with the browser app. Every object is strict. */

export const NOTIFY_CHANNELS = ['auto', 'sms', 'email', 'both'] as const;
export const NOTIFY_LANGUAGES = ['fr', 'ar', 'en'] as const;
export const MESSAGE_STATUSES = ['queued', 'sent', 'failed', 'suppressed'] as const;

export type NotifyChannelChoice = (typeof NOTIFY_CHANNELS)[number];
export type NotifyLanguage = (typeof NOTIFY_LANGUAGES)[number];
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * A customer's choices. `serviceMessages`: messages about their own vehicle, estimate, invoice and
 * appointments (on by default, one switch turns them off at once); `marketingConsent`: offers and
 * news, only with the customer's explicit consent (law 2004-63), off by default.
 */
export const preferencesBody = z
  .object({
    channel: z.enum(NOTIFY_CHANNELS).optional(),
    language: z.enum(NOTIFY_LANGUAGES).optional(),
    serviceMessages: z.boolean().optional(),
    marketingConsent: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one preference to change' });
export type PreferencesBody = z.infer<typeof preferencesBody>;

export interface PreferencesView {
  customerId: string;
  channel: NotifyChannelChoice;
  language: NotifyLanguage;
  serviceMessages: boolean;
  marketingConsent: boolean;
  /** When and how the marketing consent was last given or withdrawn (null: never asked). */
  marketingConsentAt: string | null;
  marketingConsentMethod: string | null;
  updatedAt: string | null;
}

/** Staff list of messages: newest first, keyset paging on the (time-ordered) id. */
export const messagesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
    cursor: z.uuid().optional(),
    status: z.enum(MESSAGE_STATUSES).optional(),
    customerId: z.uuid().optional(),
  })
  .strict();

export interface MessageView {
  id: string;
  customerId: string;
  template: string;
  category: 'service' | 'marketing';
  channel: 'sms' | 'email';
  language: NotifyLanguage;
  status: MessageStatus;
  /** Why it failed or was not sent (no personal data). */
  reason: string | null;
  attempts: number;
  sourceType: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

export const customerParams = z.object({ customerId: z.uuid() }).strict();
