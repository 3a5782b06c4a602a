#!/bin/bash
# Container health check of PostgreSQL: accepting connections AND initialised by
# initdb.d/10-ecar-roles.sh. When that first-start script fails (an unreadable secret, a bad
# password), the image's entry point leaves a cluster behind and skips initialisation on every
# later start; without this check the container would report healthy with no ECAR role at all.
set -euo pipefail
pg_isready --quiet --host /var/run/postgresql --username "${POSTGRES_USER:-postgres}"
as_postgres=()
if [[ "$(id -u)" == 0 ]]; then as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
found="$("${as_postgres[@]}" psql --host /var/run/postgresql --username "${POSTGRES_USER:-postgres}" --dbname postgres -XqAt -c \
  "SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN ('ecar_auth','ecar_garage','ecar_billing','ecar_audit','ecar_backup','ecar_notify','ecar_backup_reader','ecar_backup_drill'))
        + (SELECT count(*) FROM pg_database WHERE datname IN ('ecar_auth','ecar_garage','ecar_billing','ecar_audit','ecar_backup','ecar_notify'))")"
if [[ "$found" != 14 ]]; then
  echo "postgres: ECAR initialisation incomplete ($found of 14 roles and databases): the first start failed;" \
    "read 'docker compose logs postgres', fix the secrets, then remove the pgdata volume and start again" >&2
  exit 1
fi
# Billing's and audit's schema owners (issue 12, finding 2): a cluster made before them needs the
# one-time upgrade, not a new volume.
owners="$("${as_postgres[@]}" psql --host /var/run/postgresql --username "${POSTGRES_USER:-postgres}" --dbname postgres -XqAt -c \
  "SELECT count(*) FROM pg_roles WHERE rolname IN ('ecar_billing_owner','ecar_audit_owner')")"
if [[ "$owners" != 2 ]]; then
  echo "postgres: the schema owners ecar_billing_owner and ecar_audit_owner are missing (a cluster from before them):" \
    "run 'docker compose exec -T -u postgres postgres bash < infra/postgres/add-schema-owners.sh' (docs/operations/deploy.md)" >&2
  exit 1
fi
