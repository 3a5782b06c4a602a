import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (events waiting to be published) and the inbox (events a consumer already
 * handled) live in each service's own database, next to the state they describe.
 */
class EcarBusOutboxInbox1767225600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_events (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text NULL,
        lease_until timestamptz NULL,
        last_error text NULL
      )`);
    // The relay only ever reads unpublished rows, in seq order; published ones are history.
    await queryRunner.query(`CREATE INDEX outbox_events_unpublished_idx ON outbox_events (seq) WHERE published_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE inbox_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox_events`);
    await queryRunner.query(`DROP TABLE outbox_events`);
  }
}

/** Add to the service DataSource's `migrations` (next to the service's own). */
export function outboxMigrations(): (new () => MigrationInterface)[] {
  return [EcarBusOutboxInbox1767225600000];
}
