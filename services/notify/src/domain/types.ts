import type { MessageStatus, NotifyChannelChoice, NotifyLanguage } from '@ecar/contracts/requests/notify';

export type Channel = 'sms' | 'email';
export type Category = 'service' | 'marketing';

export interface Preferences {
  customerId: string;
  channel: NotifyChannelChoice;
  language: NotifyLanguage;
  serviceMessages: boolean;
  marketingConsent: boolean;
  marketingConsentAt: Date | null;
  marketingConsentMethod: string | null;
  updatedAt: Date | null;
}

/** What a customer gets before choosing: service messages by SMS (e-mail without a phone), in French, no marketing. */
export function defaultPreferences(customerId: string): Preferences {
  return { customerId, channel: 'auto', language: 'fr', serviceMessages: true, marketingConsent: false, marketingConsentAt: null, marketingConsentMethod: null, updatedAt: null };
}

export type TemplateParams = Record<string, string>;

export interface MessageRow {
  id: string;
  customerId: string;
  sourceEventId: string;
  sourceType: string;
  template: string;
  category: Category;
  channel: Channel;
  channelChoice: NotifyChannelChoice;
  language: NotifyLanguage;
  params: TemplateParams;
  status: MessageStatus;
  reason: string | null;
  attempts: number;
  providerRef: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  /** One message per key and channel, whatever the event id (reminders: vehicle, kind, due, lead). */
  dedupeKey?: string | null;
}
