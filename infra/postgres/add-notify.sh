#!/bin/bash
# Adds notify's role and database to a cluster initialised before notify existed (init.sql runs
# on an empty volume only, and healthcheck.sh waits for ecar_notify too). The same statements as
# init.sql, each only when missing: running it twice changes nothing. As the postgres OS user:
#   docker compose exec -T -u postgres postgres bash < infra/postgres/add-notify.sh
# The password comes from notify's own DATABASE_URL secret, as in initdb.d/10-ecar-roles.sh.
set -euo pipefail
secrets="${ECAR_SECRETS_DIR:-/run/secrets}"
url="$(cat "$secrets/notify_database_url")"
password="${url#*://*:}"
password="${password%%@*}"
if [[ ! "$password" =~ ^[A-Za-z0-9]{32,}$ ]]; then
  echo "add-notify.sh: $secrets/notify_database_url must carry a password of at least 32 letters/digits" >&2
  exit 1
fi
psql -X -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres -v notify_password="$password" <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT format('CREATE ROLE ecar_notify LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 40 PASSWORD %L', :'notify_password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ecar_notify') \gexec
SELECT 'CREATE DATABASE ecar_notify OWNER ecar_notify ENCODING ''UTF8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ecar_notify') \gexec
REVOKE ALL ON DATABASE ecar_notify FROM PUBLIC;
GRANT CONNECT ON DATABASE ecar_notify TO ecar_backup_reader;
\connect ecar_notify
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_notify;
SQL
echo "add-notify.sh: ecar_notify role and database present" >&2
