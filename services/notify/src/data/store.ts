import { affectedRows, queryRows, type Db } from '@ecar/db';
import type { MessageStatus } from '@ecar/contracts/requests/notify';
import type { MessageRow, Preferences } from '../domain/types.ts';

const PREF_COLUMNS = `customer_id, channel, language, service_messages, marketing_consent, marketing_consent_at, marketing_consent_method, updated_at`;

function preferencesOf(row: Record<string, unknown>): Preferences {
  return {
    customerId: row['customer_id'] as string,
    channel: row['channel'] as Preferences['channel'],
    language: row['language'] as Preferences['language'],
    serviceMessages: row['service_messages'] as boolean,
    marketingConsent: row['marketing_consent'] as boolean,
    marketingConsentAt: (row['marketing_consent_at'] as Date | null) ?? null,
    marketingConsentMethod: (row['marketing_consent_method'] as string | null) ?? null,
    updatedAt: (row['updated_at'] as Date | null) ?? null,
  };
}

const MESSAGE_COLUMNS = `id, customer_id, source_event_id, source_type, template, category, channel, channel_choice, language, params, status, reason, attempts, provider_ref, created_at, updated_at, sent_at`;

function messageOf(row: Record<string, unknown>): MessageRow {
  return {
    id: row['id'] as string,
    customerId: row['customer_id'] as string,
    sourceEventId: row['source_event_id'] as string,
    sourceType: row['source_type'] as string,
    template: row['template'] as string,
    category: row['category'] as MessageRow['category'],
    channel: row['channel'] as MessageRow['channel'],
    channelChoice: row['channel_choice'] as MessageRow['channelChoice'],
    language: row['language'] as MessageRow['language'],
    params: (row['params'] as MessageRow['params']) ?? {},
    status: row['status'] as MessageStatus,
    reason: (row['reason'] as string | null) ?? null,
    attempts: row['attempts'] as number,
    providerRef: (row['provider_ref'] as string | null) ?? null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
    sentAt: (row['sent_at'] as Date | null) ?? null,
  };
}

export const preferencesStore = {
  async find(db: Db, customerId: string, forUpdate = false): Promise<Preferences | undefined> {
    const rows = await queryRows(db, `SELECT ${PREF_COLUMNS} FROM preferences WHERE customer_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [customerId]);
    return rows[0] ? preferencesOf(rows[0]) : undefined;
  },
  async save(db: Db, p: Preferences): Promise<void> {
    await queryRows(
      db,
      `INSERT INTO preferences (${PREF_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (customer_id) DO UPDATE SET channel = $2, language = $3, service_messages = $4, marketing_consent = $5,
         marketing_consent_at = $6, marketing_consent_method = $7, updated_at = now()`,
      [p.customerId, p.channel, p.language, p.serviceMessages, p.marketingConsent, p.marketingConsentAt, p.marketingConsentMethod],
    );
  },
};

export const messageStore = {
  /** Serialises the planning of one customer's messages (the rate limit counts what is already there). */
  async lockCustomer(db: Db, customerId: string): Promise<void> {
    await queryRows(db, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [`notify:${customerId}`]);
  },
  async recentCount(db: Db, customerId: string, windowMinutes: number): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      db,
      `SELECT count(DISTINCT source_event_id)::int AS n FROM messages WHERE customer_id = $1 AND status IN ('queued', 'sent') AND created_at > now() - make_interval(mins => $2)`,
      [customerId, windowMinutes],
    );
    return rows[0]?.n ?? 0;
  },
  /** false when this event (or, with a dedupe key, the same reminder) already made a message on this channel (a republished copy under a new id cannot send twice). */
  async insert(db: Db, m: MessageRow): Promise<boolean> {
    const rows = await queryRows(
      db,
      `INSERT INTO messages (${MESSAGE_COLUMNS}, dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT DO NOTHING RETURNING id`,
      [m.id, m.customerId, m.sourceEventId, m.sourceType, m.template, m.category, m.channel, m.channelChoice, m.language, JSON.stringify(m.params), m.status, m.reason, m.attempts, m.providerRef, m.createdAt, m.updatedAt, m.sentAt, m.dedupeKey ?? null],
    );
    return rows.length === 1;
  },
  async find(db: Db, id: string): Promise<MessageRow | undefined> {
    const rows = await queryRows(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [id]);
    return rows[0] ? messageOf(rows[0]) : undefined;
  },
  async finish(db: Db, id: string, change: { status: MessageStatus; reason?: string | null; channel?: string; attempts?: number; providerRef?: string | null }): Promise<void> {
    await affectedRows(
      db,
      `UPDATE messages SET status = $2, reason = $3, channel = COALESCE($4, channel), attempts = COALESCE($5, attempts), provider_ref = COALESCE($6, provider_ref),
         sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END, updated_at = now() WHERE id = $1`,
      [id, change.status, change.reason ?? null, change.channel ?? null, change.attempts ?? null, change.providerRef ?? null],
    );
  },
  /** Counts a failed attempt on its own connection, so the count survives the rollback that sends the event to a retry queue. */
  async countFailedAttempt(db: Db, id: string, reason: string): Promise<number> {
    const rows = await queryRows<{ attempts: number }>(db, `UPDATE messages SET attempts = attempts + 1, reason = $2, updated_at = now() WHERE id = $1 RETURNING attempts`, [id, reason]);
    return rows[0]?.attempts ?? 0;
  },
  /** Newest first (ids are time-ordered), `limit + 1` rows. */
  async page(db: Db, query: { cursor?: string | undefined; status?: MessageStatus | undefined; customerId?: string | undefined; rows: number }): Promise<MessageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.cursor) where.push(`id < $${params.push(query.cursor)}`);
    if (query.status) where.push(`status = $${params.push(query.status)}`);
    if (query.customerId) where.push(`customer_id = $${params.push(query.customerId)}`);
    const rows = await queryRows(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.push(query.rows)}`,
      params,
    );
    return rows.map(messageOf);
  },
};

export const readModelStore = {
  async rememberWorkOrder(db: Db, workOrderId: string, customerId: string): Promise<void> {
    await queryRows(db, `INSERT INTO work_order_customers (work_order_id, customer_id) VALUES ($1, $2) ON CONFLICT (work_order_id) DO NOTHING`, [workOrderId, customerId]);
  },
  async rememberInvoice(db: Db, invoiceId: string, workOrderId: string | undefined, origin: string): Promise<void> {
    await queryRows(db, `INSERT INTO invoice_customers (invoice_id, work_order_id, origin) VALUES ($1, $2, $3) ON CONFLICT (invoice_id) DO NOTHING`, [invoiceId, workOrderId ?? null, origin]);
  },
  /** `undefined`: the invoice is not known yet (its draft event has not arrived); `null`: it has no customer to tell. */
  async customerOfInvoice(db: Db, invoiceId: string): Promise<string | null | undefined> {
    const rows = await queryRows<{ work_order_id: string | null; customer_id: string | null }>(
      db,
      `SELECT i.work_order_id, w.customer_id FROM invoice_customers i LEFT JOIN work_order_customers w ON w.work_order_id = i.work_order_id WHERE i.invoice_id = $1`,
      [invoiceId],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (!row.work_order_id) return null;
    return row.customer_id ?? undefined;
  },
};
