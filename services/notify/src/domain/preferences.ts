import { isAdmin, newEvent, type Caller } from '@ecar/contracts';
import type { PreferencesBody, PreferencesView } from '@ecar/contracts/requests/notify';
import { notFound } from '@ecar/errors';
import { preferencesStore } from '../data/store.ts';
import type { NotifyContext } from './context.ts';
import { defaultPreferences, type Preferences } from './types.ts';

export function preferencesView(p: Preferences): PreferencesView {
  return {
    customerId: p.customerId,
    channel: p.channel,
    language: p.language,
    serviceMessages: p.serviceMessages,
    marketingConsent: p.marketingConsent,
    marketingConsentAt: p.marketingConsentAt?.toISOString() ?? null,
    marketingConsentMethod: p.marketingConsentMethod,
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

export class PreferenceService {
  constructor(private readonly notify: NotifyContext) {}

  /** The caller's own customer profile (a customer account without one has no preferences: 404). */
  async ownCustomerId(caller: Caller): Promise<string> {
    const customerId = await this.notify.directory.customerOfUser(caller.userId);
    if (!customerId) throw notFound('This account has no customer profile yet');
    return customerId;
  }

  async get(customerId: string): Promise<PreferencesView> {
    return preferencesView((await preferencesStore.find(this.notify.dataSource.manager, customerId)) ?? defaultPreferences(customerId));
  }

  /**
   * Changes take effect at once: the next message (and any still queued) reads them. A change of
   * the marketing consent records when and how (the customer in the app, staff at the counter).
   */
  async update(caller: Caller, customerId: string, body: PreferencesBody): Promise<PreferencesView> {
    return this.notify.unitOfWork.run(async (db) => {
      const before = (await preferencesStore.find(db, customerId, true)) ?? defaultPreferences(customerId);
      const after: Preferences = { ...before, ...body };
      if (body.marketingConsent !== undefined && body.marketingConsent !== before.marketingConsent) {
        after.marketingConsentAt = new Date();
        after.marketingConsentMethod = isAdmin(caller) ? 'staff' : 'customer-app';
      }
      await preferencesStore.save(db, after);
      const saved = (await preferencesStore.find(db, customerId))!;
      const fields = (Object.keys(body) as Array<keyof PreferencesBody>).filter((key) => body[key] !== before[key]);
      const changes = Object.fromEntries(fields.map((key) => [key, [before[key], after[key]] as [unknown, unknown]]));
      const event = newEvent(caller, 'notify.preferences.updated', { type: 'customer', id: customerId, ...(isAdmin(caller) ? {} : { ownerId: caller.userId }) }, {
        customerId,
        fields,
        marketingConsent: after.marketingConsent,
        serviceMessages: after.serviceMessages,
      }, changes);
      return { result: preferencesView(saved), events: fields.length > 0 ? [event] : [] };
    });
  }
}
