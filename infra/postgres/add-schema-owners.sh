#!/bin/bash
# Gives billing's and audit's schemas their owner role in a cluster initialised before them
# (issue 12, finding 2; init.sql does the same on an empty volume). Until then ecar_billing and
# ecar_audit own their tables, so each could disable its own guards (`ALTER TABLE invoices
# DISABLE TRIGGER USER`, the audit log's append-only trigger). For each of the two services:
#   - creates ecar_<service>_owner (password from the service's DATABASE_MIGRATION_URL secret,
#     <service>_migration_database_url) or sets its password again;
#   - hands the database, its public schema and every object in it from ecar_<service> to the
#     owner (REASSIGN OWNED), then grants ecar_<service> CONNECT, USAGE and data privileges only
#     (audit's log and its partitions: SELECT/INSERT, anchors SELECT: AUDIT_RUNTIME_PRIVILEGES in
#     services/audit/src/data/migrations.ts — the services re-grant the same at every start).
# Running it again changes nothing. With billing and audit stopped, as the postgres OS user:
#   docker compose exec -T -u postgres postgres bash < infra/postgres/add-schema-owners.sh
# (docs/operations/deploy.md, "Schema owners for billing and audit").
set -euo pipefail
secrets="${ECAR_SECRETS_DIR:-/run/secrets}"

password_of() {
  local file="$secrets/$1_migration_database_url" url password
  [[ -r "$file" ]] || { echo "add-schema-owners.sh: $file is missing: run scripts/deploy/prepare-host.sh, then 'docker compose up -d postgres'" >&2; exit 1; }
  url="$(cat "$file")"
  password="${url#*://*:}"
  password="${password%%@*}"
  if [[ ! "$password" =~ ^[A-Za-z0-9]{32,}$ ]]; then
    echo "add-schema-owners.sh: $file must carry a password of at least 32 letters/digits" >&2
    exit 1
  fi
  printf '%s' "$password"
}

# Both passwords first: a bad secret stops the script before anything changed.
billing_password="$(password_of billing)"
audit_password="$(password_of audit)"

for service in billing audit; do
  password_var="${service}_password"
  psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v db="ecar_$service" -v runtime="ecar_$service" -v owner="ecar_${service}_owner" -v password="${!password_var}" <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10', :'owner')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'owner', :'password') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"db" FROM :"runtime";
GRANT CONNECT ON DATABASE :"db" TO :"runtime";
\connect :db
BEGIN;
-- The schema, tables, sequences, functions and triggers' functions the runtime role created.
REASSIGN OWNED BY :"runtime" TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM :"runtime";
GRANT USAGE ON SCHEMA public TO :"runtime";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"runtime";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"runtime";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO :"runtime";
COMMIT;
SQL
done

# The audit log's tables: append and read only; anchors only through audit_purge() (SECURITY
# DEFINER). The monthly partitions of audit_events and audit_refs (issue 16) get the same as their
# table: a partition can be written directly. A table a version has not created yet is skipped:
# the service grants it at start.
psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname ecar_audit <<'SQL'
BEGIN;
CREATE TEMP TABLE restricted ON COMMIT DROP AS
  WITH g (t, p) AS (VALUES ('audit_events', 'SELECT, INSERT'), ('audit_refs', 'SELECT, INSERT'), ('audit_event_ids', 'SELECT, INSERT'),
                           ('audit_chain_anchors', 'SELECT'), ('audit_chain_checkpoints', 'SELECT, INSERT'), ('audit_chain_keys', 'SELECT, INSERT'))
  SELECT g.t AS relname, g.p FROM g WHERE to_regclass(format('public.%I', g.t)) IS NOT NULL
  UNION ALL
  SELECT c.relname, g.p FROM g JOIN pg_inherits i ON i.inhparent = to_regclass(format('public.%I', g.t)) JOIN pg_class c ON c.oid = i.inhrelid;
SELECT format('REVOKE ALL ON %I FROM ecar_audit', relname) FROM restricted \gexec
SELECT format('GRANT %s ON %I TO ecar_audit', p, relname) FROM restricted \gexec
COMMIT;
SQL
echo "add-schema-owners.sh: ecar_billing_owner and ecar_audit_owner own their schemas; ecar_billing and ecar_audit keep data privileges only" >&2
