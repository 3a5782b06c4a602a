#!/bin/bash
# Entry point of the local postgres stand-in, with the official image's contract: on an empty
# PGDATA, initdb (superuser password from POSTGRES_PASSWORD_FILE), then every
# /docker-entrypoint-initdb.d/*.sh and *.sql against a socket-only server; then the server.
set -euo pipefail
if [[ "$(id -u)" == 0 ]]; then
  install -d -o postgres -g postgres -m 700 "$PGDATA"
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [[ "${1:-}" == postgres && ! -s "$PGDATA/PG_VERSION" ]]; then
  pwfile="${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE is required}"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of flags, split on purpose
  initdb --username="${POSTGRES_USER:-postgres}" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-}
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" start
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sh) echo "running $script"; bash "$script" ;;
      *.sql) echo "running $script"; psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres -f "$script" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi
exec "$@"
