import type { MessageView } from '@ecar/contracts/requests/notify';
import type { DataSource } from '@ecar/db';
import { pageById, rowsForPage, type Page } from '@ecar/primitives';
import type { UnitOfWork } from '@ecar/runtime';
import type { EmailSender } from '../channels/email.ts';
import type { ContactDirectory } from '../channels/garage-directory.ts';
import type { SmsGateway } from '../channels/sms.ts';
import { messageStore } from '../data/store.ts';
import { MessageService } from './messages.ts';
import { PreferenceService } from './preferences.ts';
import type { MessageRow } from './types.ts';

export interface NotifySettings {
  timeZone: string;
  rateLimit: { limitPerWindow: number; windowMinutes: number };
  /** Delivery attempts of one message: the first and one per retry delay. */
  maxAttempts: number;
  pageMax: number;
}

export function messageView(m: MessageRow): MessageView {
  return {
    id: m.id,
    customerId: m.customerId,
    template: m.template,
    category: m.category,
    channel: m.channel,
    language: m.language,
    status: m.status,
    reason: m.reason,
    attempts: m.attempts,
    sourceType: m.sourceType,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
  };
}

/** What the notify service works with: its database, the channels, garage's contact directory and the use cases. */
export class NotifyContext {
  readonly messages: MessageService;
  readonly preferences: PreferenceService;

  constructor(
    readonly dataSource: DataSource,
    readonly unitOfWork: UnitOfWork,
    readonly directory: ContactDirectory,
    readonly sms: SmsGateway,
    readonly email: EmailSender,
    readonly settings: NotifySettings,
  ) {
    this.messages = new MessageService(this);
    this.preferences = new PreferenceService(this);
  }

  /** Staff list: newest first, keyset paging (`cursor` = the last id of the previous page). */
  async listMessages(query: { limit: number; cursor?: string | undefined; status?: MessageRow['status'] | undefined; customerId?: string | undefined }): Promise<Page<MessageView>> {
    const limit = Math.min(query.limit, this.settings.pageMax);
    const rows = await messageStore.page(this.dataSource.manager, { cursor: query.cursor, status: query.status, customerId: query.customerId, rows: rowsForPage(limit) });
    return pageById(rows, limit, messageView);
  }
}
