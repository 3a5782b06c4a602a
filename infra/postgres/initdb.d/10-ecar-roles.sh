#!/bin/bash
# First start of the postgres container only (docker-entrypoint-initdb.d): creates the ECAR
# roles and databases from infra/postgres/init.sql. Each service's password is taken from the
# same Docker secret the service reads (its DATABASE_URL), so a password exists in one place.
# URLs must look like postgres://ecar_<service>:<hex password>@postgres:5432/ecar_<service>?...
# Billing's and audit's schema owners (issue 12, finding 2) take theirs from the services'
# DATABASE_MIGRATION_URL secrets (billing_migration_database_url, audit_migration_database_url).
set -euo pipefail

password_from_url() {
  local url
  url="$(cat "$1")"
  local password="${url#*://*:}"
  password="${password%%@*}"
  if [[ ! "$password" =~ ^[A-Za-z0-9]{32,}$ ]]; then
    echo "10-ecar-roles.sh: $1 must carry a password of at least 32 letters/digits (openssl rand -hex 32)" >&2
    exit 1
  fi
  printf '%s' "$password"
}

secrets="${ECAR_SECRETS_DIR:-/run/secrets}"
# Assignments, not inline substitutions: with `set -e` a bad secret stops the script here.
auth_password="$(password_from_url "$secrets/auth_database_url")"
garage_password="$(password_from_url "$secrets/garage_database_url")"
billing_password="$(password_from_url "$secrets/billing_database_url")"
audit_password="$(password_from_url "$secrets/audit_database_url")"
backup_password="$(password_from_url "$secrets/backup_database_url")"
notify_password="$(password_from_url "$secrets/notify_database_url")"
backup_reader_password="$(password_from_url "$secrets/backup_dump_database_url")"
backup_drill_password="$(password_from_url "$secrets/backup_drill_admin_url")"
billing_owner_password="$(password_from_url "$secrets/billing_migration_database_url")"
audit_owner_password="$(password_from_url "$secrets/audit_migration_database_url")"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v auth_password="$auth_password" \
  -v garage_password="$garage_password" \
  -v billing_password="$billing_password" \
  -v audit_password="$audit_password" \
  -v backup_password="$backup_password" \
  -v notify_password="$notify_password" \
  -v backup_reader_password="$backup_reader_password" \
  -v backup_drill_password="$backup_drill_password" \
  -v billing_owner_password="$billing_owner_password" \
  -v audit_owner_password="$audit_owner_password" \
  -f "${ECAR_POSTGRES_INIT_SQL:-/etc/ecar/postgres/init.sql}"
