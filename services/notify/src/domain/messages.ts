import { newEvent, parseEventData, type EventEnvelope, type NewEvent, type SystemCaller } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { PermanentDeliveryError } from '../channels/delivery-errors.ts';
import { messageStore, preferencesStore } from '../data/store.ts';
import type { NotifyContext } from './context.ts';
import { timeOrderedId } from './ids.ts';
import { sourceOf } from './sources.ts';
import { render, TEMPLATES } from './templates.ts';
import { defaultPreferences, type Channel, type MessageRow, type Preferences } from './types.ts';

type Suppression = 'opted_out' | 'no_consent' | 'rate_limited' | 'anonymised';

const subjectOf = (message: Pick<MessageRow, 'id'>) => ({ type: 'message', id: message.id });
const refOf = (m: MessageRow) => ({ messageId: m.id, customerId: m.customerId, template: m.template, category: m.category, channel: m.channel, language: m.language });

/** Which channels a choice sends on; `auto` is SMS, switched to e-mail at send time for a customer without a phone. */
export function channelsOf(choice: Preferences['channel']): Channel[] {
  if (choice === 'both') return ['sms', 'email'];
  if (choice === 'email') return ['email'];
  return ['sms'];
}

/**
 * Consent (law 2004-63): marketing only with the customer's explicit consent; service messages
 * unless the customer turned them off. Read again right before sending, so an opt-out counts at once.
 */
export function refusal(preferences: Preferences, category: 'service' | 'marketing'): Suppression | undefined {
  if (category === 'marketing') return preferences.marketingConsent ? undefined : 'no_consent';
  return preferences.serviceMessages ? undefined : 'opted_out';
}

export class MessageService {
  constructor(private readonly notify: NotifyContext) {}

  /**
   * A customer-facing event becomes one message per chosen channel, queued (or suppressed, with
   * the reason) in the inbox transaction: the same event handled twice plans nothing twice.
   */
  async plan(envelope: EventEnvelope, db: EntityManager): Promise<NewEvent[]> {
    const source = await sourceOf(envelope, db, this.notify.settings.timeZone);
    if (!source) return [];
    const author: SystemCaller = { system: 'notify.events', correlationId: envelope.correlationId };
    await messageStore.lockCustomer(db, source.customerId);
    const preferences = (await preferencesStore.find(db, source.customerId)) ?? defaultPreferences(source.customerId);
    const { category } = TEMPLATES[source.template];
    const { limitPerWindow, windowMinutes } = this.notify.settings.rateLimit;
    const refused = refusal(preferences, category) ?? ((await messageStore.recentCount(db, source.customerId, windowMinutes)) >= limitPerWindow ? 'rate_limited' : undefined);
    const events: NewEvent[] = [];
    const now = new Date();
    for (const channel of channelsOf(preferences.channel)) {
      const message: MessageRow = {
        id: timeOrderedId(now.getTime()),
        customerId: source.customerId,
        sourceEventId: envelope.id,
        sourceType: envelope.type,
        template: source.template,
        category,
        channel,
        channelChoice: preferences.channel,
        language: preferences.language,
        params: source.params,
        status: refused ? 'suppressed' : 'queued',
        reason: refused ?? null,
        attempts: 0,
        providerRef: null,
        createdAt: now,
        updatedAt: now,
        sentAt: null,
        dedupeKey: source.dedupeKey ?? null,
      };
      if (!(await messageStore.insert(db, message))) continue;
      events.push(
        refused
          ? newEvent(author, 'notify.message.suppressed', subjectOf(message), { ...refOf(message), reason: refused })
          : newEvent(author, 'notify.message.queued', subjectOf(message), { ...refOf(message), sourceEventId: envelope.id, sourceType: envelope.type }),
      );
    }
    return events;
  }

  /**
   * Sends one queued message. A gateway or relay outage throws, and the bus delivers the event
   * again after the next delay of its retry queues (backoff); the attempt is counted on its own
   * connection so that the last one marks the message failed instead of dead-lettering it.
   */
  async deliver(envelope: EventEnvelope, db: EntityManager): Promise<NewEvent[]> {
    const { messageId } = parseEventData('notify.message.queued', envelope.data);
    const author: SystemCaller = { system: 'notify.deliveries', correlationId: envelope.correlationId };
    const message = await messageStore.find(db, messageId);
    if (!message || message.status !== 'queued') return [];
    const preferences = (await preferencesStore.find(db, message.customerId)) ?? defaultPreferences(message.customerId);
    const refused = refusal(preferences, message.category);
    if (refused) return [await this.suppress(db, author, message, refused)];

    let channel = message.channel;
    try {
      const contact = await this.notify.directory.contactOf(message.customerId);
      if (contact.anonymised) return [await this.suppress(db, author, message, 'anonymised')];
      if (contact.consentWithdrawn) return [await this.suppress(db, author, message, 'no_consent')];
      if (channel === 'sms' && !contact.phone && message.channelChoice === 'auto' && contact.email) channel = 'email';
      const text = render(message.template, message.language, message.params, contact.name);
      let providerRef: string | null;
      if (channel === 'sms') {
        if (!contact.phone) throw new PermanentDeliveryError('the customer has no phone number');
        providerRef = await this.notify.sms.send({ to: contact.phone, text: text.sms, reference: message.id });
      } else {
        if (!contact.email) throw new PermanentDeliveryError('the customer has no e-mail address');
        providerRef = await this.notify.email.send({ to: contact.email, subject: text.subject, text: text.body, reference: message.id });
      }
      const attempts = message.attempts + 1;
      await messageStore.finish(db, message.id, { status: 'sent', channel, attempts, providerRef });
      return [newEvent(author, 'notify.message.sent', subjectOf(message), { ...refOf({ ...message, channel }), attempts })];
    } catch (error) {
      const reason = error instanceof Error && 'reason' in error ? String((error as { reason: unknown }).reason) : 'delivery failed';
      const attempts = error instanceof PermanentDeliveryError ? message.attempts + 1 : await messageStore.countFailedAttempt(this.notify.dataSource, message.id, reason);
      if (error instanceof PermanentDeliveryError || attempts >= this.notify.settings.maxAttempts) {
        await messageStore.finish(db, message.id, { status: 'failed', reason, channel, attempts });
        return [newEvent(author, 'notify.message.failed', subjectOf(message), { ...refOf({ ...message, channel }), attempts, reason })];
      }
      throw error;
    }
  }

  private async suppress(db: EntityManager, author: SystemCaller, message: MessageRow, reason: Suppression): Promise<NewEvent> {
    await messageStore.finish(db, message.id, { status: 'suppressed', reason });
    return newEvent(author, 'notify.message.suppressed', subjectOf(message), { ...refOf(message), reason });
  }
}
