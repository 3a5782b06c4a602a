import { sqlMigration } from '@ecar/db';

/**
 * What the runtime role keeps of the log's tables when migrations run as the owner (issue 12,
 * finding 2): it appends and reads, nothing more; anchors are written by audit_purge() alone
 * (SECURITY DEFINER, the owner's rights); verification checkpoints are appended by the
 * verification alone and sealed with the chain key. audit_events and audit_refs are partitioned
 * by month (issue 16): the same privileges apply to every partition (migrateAsOwner follows
 * pg_inherits; audit_ensure_partitions() copies the parent's grants to each partition it creates).
 */
export const AUDIT_RUNTIME_PRIVILEGES = {
  audit_events: ['SELECT', 'INSERT'],
  audit_refs: ['SELECT', 'INSERT'],
  audit_event_ids: ['SELECT', 'INSERT'],
  audit_chain_anchors: ['SELECT'],
  audit_chain_checkpoints: ['SELECT', 'INSERT'],
  audit_chain_keys: ['SELECT', 'INSERT'],
} as const;

/** Key of the transaction-level advisory lock that serialises writers of the chain. */
export const CHAIN_LOCK_KEY = 6_580_322_101;

/** Months beyond the current one that always have a partition (start-up and the daily job). */
export const PARTITION_MONTHS_AHEAD = 2;

/** The partitioned tables of the log and the columns of the event table, in their stored order. */
const EVENT_COLUMNS = `seq bigint NOT NULL,
       event_id uuid NOT NULL,
       type text NOT NULL,
       action text NOT NULL CONSTRAINT audit_events_action_check CHECK (action IN ('create', 'update', 'delete', 'access', 'auth', 'admin', 'system')),
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
       hash char(64) NOT NULL`;

/** The secondary indexes of audit_events (name suffix, definition), as AuditInit and AuditSubjectReads created them. */
const EVENT_INDEXES: ReadonlyArray<readonly [suffix: string, definition: string]> = [
  ['actor', '(actor_id, seq)'],
  ['subject', '(subject_type, subject_id, seq)'],
  ['type', '(type, seq)'],
  ['occurred', '(occurred_at)'],
  ['remote', '(remote_addr, seq)'],
  ['owner', '(subject_owner) WHERE subject_owner IS NOT NULL'],
];

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
  // Issue 16: audit_events and audit_refs partitioned by month of recorded_at, so retention drops
  // whole months instead of deleting rows (docs/performance/scale.md, "Audit partitioning by month").
  // The existing tables become the first partitions without copying their rows: a unique index
  // (seq, recorded_at), a CHECK that proves the partition bound (ATTACH then skips its own scan),
  // ATTACH, and the secondary indexes re-attached as they are. Only (event_id, seq) is copied.
  sqlMigration('AuditPartitions1798900000000', [
    // The pool's 30 s statement timeout would stop a large log's conversion (index build, id copy, CHECK scan) midway.
    `SET LOCAL statement_timeout = 0`,
    `ALTER TABLE audit_refs DROP CONSTRAINT audit_refs_seq_fkey`,
    `ALTER TABLE audit_events RENAME TO audit_events_legacy`,
    `ALTER TABLE audit_refs RENAME TO audit_refs_legacy`,
    ...EVENT_INDEXES.map(([suffix]) => `ALTER INDEX audit_events_${suffix} RENAME TO audit_events_legacy_${suffix}`),
    `ALTER INDEX audit_refs_seq RENAME TO audit_refs_legacy_seq`,
    `ALTER TABLE audit_refs_legacy RENAME CONSTRAINT audit_refs_pkey TO audit_refs_legacy_pkey`,
    // The row triggers come back cloned from the partitioned parents; the TRUNCATE guards stay (never cloned).
    `DROP TRIGGER audit_events_append_only ON audit_events_legacy`,
    `DROP TRIGGER audit_refs_append_only ON audit_refs_legacy`,
    // The duplicate-delivery guard: a unique key on a partitioned table must include the partition
    // key, so event_id's uniqueness moves to this unpartitioned table, written in the append's statement.
    `CREATE TABLE audit_event_ids (event_id uuid NOT NULL, seq bigint NOT NULL)`,
    `INSERT INTO audit_event_ids (event_id, seq) SELECT event_id, seq FROM audit_events_legacy`,
    `ALTER TABLE audit_event_ids ADD CONSTRAINT audit_event_ids_pkey PRIMARY KEY (event_id)`,
    `CREATE INDEX audit_event_ids_seq ON audit_event_ids (seq)`,
    `CREATE TRIGGER audit_event_ids_append_only BEFORE UPDATE OR DELETE ON audit_event_ids FOR EACH ROW EXECUTE FUNCTION audit_append_only_guard()`,
    `CREATE TRIGGER audit_event_ids_no_truncate BEFORE TRUNCATE ON audit_event_ids FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
    // hash UNIQUE goes (the chain detects a repeated hash); the primary key becomes (seq, recorded_at).
    `ALTER TABLE audit_events_legacy DROP CONSTRAINT audit_events_event_id_key, DROP CONSTRAINT audit_events_hash_key`,
    `CREATE UNIQUE INDEX audit_events_legacy_pkey ON audit_events_legacy (seq, recorded_at)`,
    `ALTER TABLE audit_events_legacy DROP CONSTRAINT audit_events_pkey, ADD CONSTRAINT audit_events_legacy_pkey PRIMARY KEY USING INDEX audit_events_legacy_pkey`,
    // Legacy refs get recorded_at as a catalogue-only default (no rewrite): -infinity, "before the
    // partitioning"; they stay in the legacy refs partition, dropped with the legacy events partition.
    `ALTER TABLE audit_refs_legacy ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity'`,
    `ALTER TABLE audit_refs_legacy ALTER COLUMN recorded_at DROP DEFAULT`,
    `CREATE TABLE audit_events (${EVENT_COLUMNS}, CONSTRAINT audit_events_pkey PRIMARY KEY (seq, recorded_at)) PARTITION BY RANGE (recorded_at)`,
    `CREATE TABLE audit_refs (
       ref_type text NOT NULL,
       ref_id text NOT NULL,
       seq bigint NOT NULL,
       recorded_at timestamptz NOT NULL
     ) PARTITION BY RANGE (recorded_at)`,
    // The legacy partitions end at the first month boundary after the newest row (after now for an
    // empty log): the CHECK proves it (one validating scan, no rewrite), so ATTACH does not scan
    // again; audit_ensure_partitions() then adds the months from there. The newest row is found by
    // seq (cheap); if an older row was recorded later (a clock step, before recorded_at became
    // monotonic), the CHECK fails and the bound is taken from a full max().
    `DO $$
     DECLARE
       bound timestamptz;
     BEGIN
       SELECT date_trunc('month', coalesce((SELECT l.recorded_at FROM audit_events_legacy l ORDER BY l.seq DESC LIMIT 1), now()), 'UTC') + interval '1 month' INTO bound;
       BEGIN
         EXECUTE format('ALTER TABLE audit_events_legacy ADD CONSTRAINT audit_events_legacy_bound CHECK (recorded_at < %L)', bound);
       EXCEPTION WHEN check_violation THEN
         SELECT date_trunc('month', max(l.recorded_at), 'UTC') + interval '1 month' INTO bound FROM audit_events_legacy l;
         EXECUTE format('ALTER TABLE audit_events_legacy ADD CONSTRAINT audit_events_legacy_bound CHECK (recorded_at < %L)', bound);
       END;
       EXECUTE format('ALTER TABLE audit_refs_legacy ADD CONSTRAINT audit_refs_legacy_bound CHECK (recorded_at < %L)', bound);
       EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION audit_events_legacy FOR VALUES FROM (MINVALUE) TO (%L)', bound);
       EXECUTE format('ALTER TABLE audit_refs ATTACH PARTITION audit_refs_legacy FOR VALUES FROM (MINVALUE) TO (%L)', bound);
     END $$`,
    // Created on the parents, these find the legacy partitions' indexes and attach them (no build).
    ...EVENT_INDEXES.map(([suffix, definition]) => `CREATE INDEX audit_events_${suffix} ON audit_events ${definition}`),
    `CREATE INDEX audit_refs_seq ON audit_refs (seq)`,
    // Row triggers on a partitioned table are cloned to every partition, present and future.
    `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_guard()`,
    `CREATE TRIGGER audit_refs_append_only BEFORE UPDATE OR DELETE ON audit_refs FOR EACH ROW EXECUTE FUNCTION audit_append_only_guard()`,
    `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
    `CREATE TRIGGER audit_refs_no_truncate BEFORE TRUNCATE ON audit_refs FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_refs, audit_event_ids FROM PUBLIC`,
    // No row is deleted from the log any more: a month leaves whole (audit_purge). Only the event
    // ids of a dropped month are deleted, under the purge's flag.
    `CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE OR REPLACE FUNCTION audit_append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_event_ids' AND current_setting('ecar.audit_purge', true) = 'on' THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
    // A partitioned table's partitions with their bounds (MINVALUE as -infinity), oldest first.
    `CREATE FUNCTION audit_partitions(parent regclass) RETURNS TABLE (part regclass, lower_bound timestamptz, upper_bound timestamptz)
     LANGUAGE sql STABLE SET search_path = public, pg_catalog SET timezone = 'UTC' AS $$
       SELECT c.oid::regclass,
              CASE WHEN b.expr LIKE 'FOR VALUES FROM (MINVALUE)%' THEN '-infinity'::timestamptz ELSE substring(b.expr FROM 'FROM \\(''([^'']+)''\\)')::timestamptz END,
              substring(b.expr FROM 'TO \\(''([^'']+)''\\)')::timestamptz
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS expr) b
        WHERE i.inhparent = parent
        ORDER BY 2
     $$`,
    // Partitions ahead, for the runtime role that may not CREATE: owned by the schema owner, each
    // with the TRUNCATE guard (never cloned) and exactly the parent's grants (the restricted ones).
    // No DEFAULT partition: an insert beyond the last month fails loudly instead of landing nowhere in particular.
    // Creating a partition locks the parent exclusively: behind a long reader (pg_dump) it gives up
    // after lock_timeout rather than stall every reader and the append; the next run tries again.
    `CREATE FUNCTION audit_ensure_partitions(months_ahead integer) RETURNS integer
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog SET timezone = 'UTC' SET lock_timeout = '10s' AS $$
     DECLARE
       parent text;
       upto timestamptz;
       lo timestamptz;
       part_name text;
       granted record;
       created integer := 0;
     BEGIN
       IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 24 THEN
         RAISE EXCEPTION 'months_ahead must be between 0 and 24 (got %)', months_ahead USING ERRCODE = 'invalid_parameter_value';
       END IF;
       PERFORM pg_advisory_xact_lock(${CHAIN_LOCK_KEY});
       upto := date_trunc('month', now()) + make_interval(months => months_ahead + 1);
       FOREACH parent IN ARRAY ARRAY['audit_events', 'audit_refs'] LOOP
         SELECT coalesce(max(p.upper_bound), date_trunc('month', now())) INTO lo FROM audit_partitions(parent::regclass) p;
         WHILE lo < upto LOOP
           part_name := format('%s_p%s', parent, to_char(lo, 'YYYY_MM'));
           IF parent = 'audit_refs' THEN
             -- Unique per partition: a seq lives in one month only, so (ref_type, ref_id, seq) is unique overall.
             EXECUTE format('CREATE TABLE %I PARTITION OF %I (CONSTRAINT %I PRIMARY KEY (ref_type, ref_id, seq)) FOR VALUES FROM (%L) TO (%L)',
               part_name, parent, part_name || '_pkey', lo, lo + interval '1 month');
           ELSE
             EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part_name, parent, lo, lo + interval '1 month');
           END IF;
           EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard()', parent || '_no_truncate', part_name);
           FOR granted IN
             SELECT a.grantee, a.privilege_type FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
              WHERE c.oid = parent::regclass AND a.grantee <> c.relowner
           LOOP
             EXECUTE format('GRANT %s ON %I TO %s', granted.privilege_type, part_name,
               CASE WHEN granted.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(granted.grantee)) END);
           END LOOP;
           created := created + 1;
           lo := lo + interval '1 month';
         END LOOP;
       END LOOP;
       RETURN created;
     END $$`,
    `REVOKE ALL ON FUNCTION audit_ensure_partitions(integer) FROM PUBLIC`,
    // The purge keeps its signature and its anchor. While the oldest partition ended more than a
    // day ago and every row in it occurred before the cutoff, it is detached and dropped (with the
    // refs partitions up to its bound and its event ids); the anchor names the first kept seq and
    // the hash before it. A partly expired month stays whole: data is kept longer, never shorter.
    // DETACH locks the parent exclusively too: the same lock_timeout as audit_ensure_partitions().
    `CREATE OR REPLACE FUNCTION audit_purge(cutoff timestamptz) RETURNS TABLE (purged bigint, through_seq bigint, anchor_hash text)
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog SET timezone = 'UTC' SET lock_timeout = '10s' AS $$
     DECLARE
       oldest record;
       refs_part record;
       newest_occurred timestamptz;
       part_last_seq bigint;
       part_last_hash text;
       part_rows bigint;
       total bigint := 0;
       kept_after bigint;
       kept_hash text;
     BEGIN
       IF cutoff > now() - interval '365 days' THEN
         RAISE EXCEPTION 'audit retention below one year refused (cutoff %)', cutoff USING ERRCODE = 'insufficient_privilege';
       END IF;
       PERFORM pg_advisory_xact_lock(${CHAIN_LOCK_KEY});
       LOOP
         SELECT p.part, p.upper_bound INTO oldest FROM audit_partitions('audit_events'::regclass) p ORDER BY p.lower_bound LIMIT 1;
         EXIT WHEN NOT FOUND OR oldest.upper_bound > now() - interval '1 day';
         EXECUTE format('SELECT max(occurred_at) FROM %s', oldest.part) INTO newest_occurred;
         EXIT WHEN newest_occurred >= cutoff;
         EXECUTE format('SELECT seq, hash FROM %s ORDER BY seq DESC LIMIT 1', oldest.part) INTO part_last_seq, part_last_hash;
         IF part_last_seq IS NOT NULL THEN
           EXECUTE format('SELECT count(*) FROM %s', oldest.part) INTO part_rows;
           total := total + part_rows;
           kept_after := part_last_seq;
           kept_hash := part_last_hash;
           PERFORM set_config('ecar.audit_purge', 'on', true);
           DELETE FROM audit_event_ids i WHERE i.seq <= part_last_seq;
           PERFORM set_config('ecar.audit_purge', 'off', true);
         END IF;
         EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %s', oldest.part);
         EXECUTE format('DROP TABLE %s', oldest.part);
         FOR refs_part IN SELECT r.part FROM audit_partitions('audit_refs'::regclass) r WHERE r.upper_bound <= oldest.upper_bound LOOP
           EXECUTE format('ALTER TABLE audit_refs DETACH PARTITION %s', refs_part.part);
           EXECUTE format('DROP TABLE %s', refs_part.part);
         END LOOP;
       END LOOP;
       IF kept_after IS NULL THEN
         RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::text;
         RETURN;
       END IF;
       INSERT INTO audit_chain_anchors (first_seq, prev_hash, purged_rows, cutoff) VALUES (kept_after + 1, kept_hash, total, cutoff);
       RETURN QUERY SELECT total, kept_after, kept_hash;
     END $$`,
    `SELECT audit_ensure_partitions(${PARTITION_MONTHS_AHEAD})`,
  ]),
];
