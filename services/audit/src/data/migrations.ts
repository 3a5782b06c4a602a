import { sqlMigration } from '@ecar/db';

/**
 * What the runtime role keeps of the log's tables when migrations run as the owner (issue 12,
 * finding 2): it appends and reads, nothing more; anchors are written by audit_purge() alone
 * (SECURITY DEFINER, the owner's rights); verification checkpoints are appended by the
 * verification alone and sealed with the chain key.
 */
export const AUDIT_RUNTIME_PRIVILEGES = {
  audit_events: ['SELECT', 'INSERT'],
  audit_refs: ['SELECT', 'INSERT'],
  audit_chain_anchors: ['SELECT'],
  audit_chain_checkpoints: ['SELECT', 'INSERT'],
  audit_chain_keys: ['SELECT', 'INSERT'],
} as const;

/** Key of the transaction-level advisory lock that serialises writers of the chain. */
export const CHAIN_LOCK_KEY = 6_580_322_101;

export const auditMigrations = [
  sqlMigration('AuditInit1764201600000', [
    // Text columns hold canonical JSON: the hash covers the exact stored text (jsonb would re-format it).
    `CREATE TABLE audit_events (
       seq bigint PRIMARY KEY,
       event_id uuid UNIQUE NOT NULL,
       type text NOT NULL,
       action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'access', 'auth', 'admin', 'system')),
       producer text NOT NULL,
       actor_id text,
       actor_role text,
       actor_email text,
       actor_system text,
       remote_addr text,
       user_agent text,
       correlation_id text NOT NULL,
       subject_type text NOT NULL,
       subject_id text NOT NULL,
       subject_owner text,
       changes text,
       data text NOT NULL,
       occurred_at timestamptz NOT NULL,
       recorded_at timestamptz NOT NULL,
       prev_hash char(64) NOT NULL,
       hash char(64) NOT NULL UNIQUE
     )`,
    `CREATE INDEX audit_events_actor ON audit_events (actor_id, seq)`,
    `CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, seq)`,
    `CREATE INDEX audit_events_type ON audit_events (type, seq)`,
    `CREATE INDEX audit_events_occurred ON audit_events (occurred_at)`,
    `CREATE INDEX audit_events_remote ON audit_events (remote_addr, seq)`,
    // What each row concerns (customers read or changed), derived from the event at append time.
    `CREATE TABLE audit_refs (
       ref_type text NOT NULL,
       ref_id text NOT NULL,
       seq bigint NOT NULL REFERENCES audit_events (seq),
       PRIMARY KEY (ref_type, ref_id, seq)
     )`,
    `CREATE INDEX audit_refs_seq ON audit_refs (seq)`,
    // Where the chain continues after a retention purge: the first kept row and the hash before it.
    `CREATE TABLE audit_chain_anchors (
       id bigserial PRIMARY KEY,
       first_seq bigint NOT NULL,
       prev_hash char(64) NOT NULL,
       purged_rows bigint NOT NULL,
       cutoff timestamptz NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    // Append-only, enforced by the database for every role that writes here, owner included.
    // Only audit_purge() may delete, and only rows older than a year (AUD-2).
    `CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND current_setting('ecar.audit_purge', true) = 'on'
          AND OLD.occurred_at < now() - interval '365 days' THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE FUNCTION audit_append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_refs' AND current_setting('ecar.audit_purge', true) = 'on' THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE FUNCTION audit_truncate_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit log is append-only: TRUNCATE refused on %', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_guard()`,
    `CREATE TRIGGER audit_refs_append_only BEFORE UPDATE OR DELETE ON audit_refs FOR EACH ROW EXECUTE FUNCTION audit_append_only_guard()`,
    `CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_chain_anchors FOR EACH ROW EXECUTE FUNCTION audit_append_only_guard()`,
    `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
    `CREATE TRIGGER audit_refs_no_truncate BEFORE TRUNCATE ON audit_refs FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
    `CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_chain_anchors FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
    // The purge: removes the oldest prefix of the chain whose rows all occurred before `cutoff`,
    // and records an anchor so the rest still verifies. The flag lives for this transaction only.
    `CREATE FUNCTION audit_purge(cutoff timestamptz) RETURNS TABLE (purged bigint, through_seq bigint, anchor_hash text)
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
     DECLARE
       keep_from bigint;
       last_seq bigint;
       last_hash text;
       deleted bigint;
     BEGIN
       IF cutoff > now() - interval '365 days' THEN
         RAISE EXCEPTION 'audit retention below one year refused (cutoff %)', cutoff USING ERRCODE = 'insufficient_privilege';
       END IF;
       PERFORM pg_advisory_xact_lock(${CHAIN_LOCK_KEY});
       SELECT min(e.seq) INTO keep_from FROM audit_events e WHERE e.occurred_at >= cutoff;
       SELECT e.seq, e.hash INTO last_seq, last_hash FROM audit_events e
        WHERE keep_from IS NULL OR e.seq < keep_from ORDER BY e.seq DESC LIMIT 1;
       IF last_seq IS NULL THEN
         RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::text;
         RETURN;
       END IF;
       PERFORM set_config('ecar.audit_purge', 'on', true);
       DELETE FROM audit_refs r WHERE r.seq <= last_seq;
       DELETE FROM audit_events e WHERE e.seq <= last_seq;
       GET DIAGNOSTICS deleted = ROW_COUNT;
       PERFORM set_config('ecar.audit_purge', 'off', true);
       INSERT INTO audit_chain_anchors (first_seq, prev_hash, purged_rows, cutoff) VALUES (last_seq + 1, last_hash, deleted, cutoff);
       RETURN QUERY SELECT deleted, last_seq, last_hash;
     END $$`,
    `REVOKE ALL ON FUNCTION audit_purge(timestamptz) FROM PUBLIC`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_refs, audit_chain_anchors FROM PUBLIC`,
    // Anomaly rule state (not part of the log): recent observations per rule and key.
    `CREATE TABLE anomaly_signals (
       rule text NOT NULL,
       key text NOT NULL,
       value text NOT NULL,
       occurred_at timestamptz NOT NULL
     )`,
    `CREATE INDEX anomaly_signals_window ON anomaly_signals (rule, key, occurred_at)`,
    `CREATE TABLE admin_known_ips (
       admin_id text NOT NULL,
       ip text NOT NULL,
       first_seen timestamptz NOT NULL,
       PRIMARY KEY (admin_id, ip)
     )`,
    `CREATE TABLE audit_alerts (
       id uuid PRIMARY KEY,
       rule text NOT NULL,
       severity text NOT NULL CHECK (severity IN ('warning', 'critical')),
       key text NOT NULL,
       summary text NOT NULL,
       triggering_event_id uuid,
       occurred_at timestamptz NOT NULL,
       raised_at timestamptz NOT NULL DEFAULT now(),
       acknowledged_at timestamptz,
       acknowledged_by text,
       ack_note text
     )`,
    `CREATE INDEX audit_alerts_rule_key ON audit_alerts (rule, key, occurred_at)`,
    `CREATE INDEX audit_alerts_open ON audit_alerts (raised_at) WHERE acknowledged_at IS NULL`,
  ]),
  // Issue 15: "who read my data" finds the customers an account owns by the owner the garage names on its events.
  sqlMigration('AuditSubjectReads1797600000000', [
    `CREATE INDEX audit_events_owner ON audit_events (subject_owner) WHERE subject_owner IS NOT NULL`,
  ]),
  // Issue 16: where a verification stopped (the last verified row and its hash), so a routine run
  // checks only what came after. Append-only like the log; each row is sealed with AUDIT_CHAIN_KEY.
  sqlMigration('AuditCheckpoints1797900000000', [
    `CREATE TABLE audit_chain_checkpoints (
       id bigserial PRIMARY KEY,
       through_seq bigint NOT NULL CHECK (through_seq > 0),
       head_hash text NOT NULL,
       mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
       checked_rows bigint NOT NULL,
       verified_at timestamptz NOT NULL,
       seal text NOT NULL
     )`,
    `CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_chain_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_append_only_guard()`,
    `CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_chain_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
  ]),
  // Issue 16: the customer-read rule's state, one row per reader and customer with the latest read,
  // so the rule's count is bounded by its threshold instead of scanning every read of the window.
  sqlMigration('AuditCustomerReadLast1798300000000', [
    `CREATE TABLE customer_read_last (
       reader text NOT NULL,
       customer text NOT NULL,
       last_at timestamptz NOT NULL,
       PRIMARY KEY (reader, customer)
     )`,
    `CREATE INDEX customer_read_last_window ON customer_read_last (reader, last_at)`,
    // The reads already observed carry over (a window under way goes on); they are no longer kept as signals.
    `INSERT INTO customer_read_last (reader, customer, last_at)
     SELECT key, value, max(occurred_at) FROM anomaly_signals WHERE rule = 'customer_reads' GROUP BY key, value`,
    `DELETE FROM anomaly_signals WHERE rule = 'customer_reads'`,
  ]),
  // Issue 12, finding 2: the names (never the keys) of the chain keys the service has used, so a
  // backup records which key its published head was made with. Append-only like the log.
  sqlMigration('AuditChainKeys1798700000000', [
    `CREATE TABLE audit_chain_keys (
       key_id text PRIMARY KEY,
       registered_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TRIGGER audit_chain_keys_append_only BEFORE UPDATE OR DELETE ON audit_chain_keys FOR EACH ROW EXECUTE FUNCTION audit_append_only_guard()`,
    `CREATE TRIGGER audit_chain_keys_no_truncate BEFORE TRUNCATE ON audit_chain_keys FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
  ]),
];
