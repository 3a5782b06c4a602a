import { sqlMigration } from '@ecar/db';

/**
 * The notify database holds no contact: phone numbers and e-mail addresses stay sealed in garage
 * and are read at send time. What is here: each customer's choices, the messages with their
 * delivery status (template and parameters, never the rendered text), and the two small read
 * models that tie an invoice to its customer.
 */
export const notifyMigrations = [
  sqlMigration('NotifyInit1764806400000', [
    `CREATE TABLE preferences (
       customer_id uuid PRIMARY KEY,
       channel text NOT NULL CHECK (channel IN ('auto', 'sms', 'email', 'both')),
       language text NOT NULL CHECK (language IN ('fr', 'ar', 'en')),
       service_messages boolean NOT NULL,
       marketing_consent boolean NOT NULL,
       marketing_consent_at timestamptz,
       marketing_consent_method text,
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE messages (
       id uuid PRIMARY KEY,
       customer_id uuid NOT NULL,
       source_event_id uuid NOT NULL,
       source_type text NOT NULL,
       template text NOT NULL,
       category text NOT NULL CHECK (category IN ('service', 'marketing')),
       channel text NOT NULL CHECK (channel IN ('sms', 'email')),
       channel_choice text NOT NULL,
       language text NOT NULL CHECK (language IN ('fr', 'ar', 'en')),
       params jsonb NOT NULL DEFAULT '{}'::jsonb,
       status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'suppressed')),
       reason text,
       attempts integer NOT NULL DEFAULT 0,
       provider_ref text,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       sent_at timestamptz,
       UNIQUE (source_event_id, channel)
     )`,
    `CREATE INDEX messages_customer_recent ON messages (customer_id, created_at) WHERE status IN ('queued', 'sent')`,
    `CREATE INDEX messages_status ON messages (status, id)`,
    `CREATE TABLE work_order_customers (
       work_order_id uuid PRIMARY KEY,
       customer_id uuid NOT NULL
     )`,
    `CREATE TABLE invoice_customers (
       invoice_id uuid PRIMARY KEY,
       work_order_id uuid,
       origin text NOT NULL
     )`,
  ]),
  // Issue 15: a reminder is one message per (vehicle, kind, due, lead) and channel even if garage
  // publishes it again under a new event id (a garage database restored from a backup older than its claims).
  sqlMigration('NotifyReminders1797300000000', [
    `ALTER TABLE messages ADD COLUMN dedupe_key text`,
    `CREATE UNIQUE INDEX messages_dedupe ON messages (dedupe_key, channel) WHERE dedupe_key IS NOT NULL`,
  ]),
];
