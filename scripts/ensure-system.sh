#!/usr/bin/env bash
# Makes sure PostgreSQL and RabbitMQ are installed and running, then creates what ECAR needs:
# one database and one login role per service, and the RabbitMQ vhost and user.
# Installs missing Debian packages when run as root; otherwise says exactly what to install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib-system-deps.sh
source "$here/lib-system-deps.sh"

say() { printf '[ecar] %s\n' "$*"; }

missing=()
for pkg in "${ECAR_APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing[*]}"
    say "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# PostgreSQL
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -1)
  if [[ $(id -u) -eq 0 ]]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  else
    say "PostgreSQL is not running; start it with: sudo pg_ctlcluster $version main start"; exit 1
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { say "PostgreSQL did not start"; exit 1; }
fi

# RabbitMQ
rabbit_up() { timeout 5 bash -c '</dev/tcp/127.0.0.1/5672' 2>/dev/null; }
if ! rabbit_up; then
  say "starting RabbitMQ"
  if [[ $(id -u) -eq 0 ]]; then
    rabbitmq-server -detached || true
  else
    say "RabbitMQ is not running; start it with: sudo rabbitmq-server -detached"; exit 1
  fi
  for _ in $(seq 1 60); do rabbit_up && break; sleep 1; done
  rabbit_up || { say "RabbitMQ did not start"; exit 1; }
  rabbitmqctl await_startup >/dev/null 2>&1 || true
fi

# Redis: the gateway's shared rate-limit counters (tests/e2e/gateway-rate-limit*). No persistence:
# counters live one window.
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! redis_up; then
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { say "Redis did not start"; exit 1; }
fi

# Docker (tests/deploy): start the engine when it is installed but not running (no systemd here).
docker_up() { docker info >/dev/null 2>&1; }
if ! docker_up; then
  if [[ $(id -u) -eq 0 ]] && command -v dockerd >/dev/null; then
    say "starting the Docker engine"
    mkdir -p /var/log
    setsid dockerd --storage-driver=overlay2 >>/var/log/ecar-dockerd.log 2>&1 < /dev/null &
    for _ in $(seq 1 60); do docker_up && break; sleep 1; done
    docker_up || { say "the Docker engine did not start (see /var/log/ecar-dockerd.log)"; exit 1; }
  else
    say "Docker is not running; start it with: sudo dockerd &   (or systemctl start docker)"; exit 1
  fi
fi

# Superuser access for set-up: the local socket as the postgres OS user when root, else TCP.
psql_admin() {
  if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then
    PGOPTIONS='-c client_min_messages=warning' runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"
  else
    PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
  fi
}

for service in auth garage billing audit backup notify; do
  db="ecar_${service}"
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${db}'")" ]]; then
    psql_admin -c "CREATE ROLE ${db} LOGIN"
  fi
  # Development password, public by design (production refuses it): see shared/config/src/common.ts.
  psql_admin -c "ALTER ROLE ${db} PASSWORD 'ecar-dev-password-${service}'"
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${db}'")" ]]; then
    psql_admin -c "CREATE DATABASE ${db} OWNER ${db}"
    psql_admin -c "REVOKE ALL ON DATABASE ${db} FROM PUBLIC"
  fi
done
# Schema owners of the services whose tables guard themselves (audit's append-only log, billing's
# issued invoices): migrations run as ecar_<service>_owner (DATABASE_MIGRATION_URL) and grant
# ecar_<service> data privileges only, so the runtime role cannot disable a trigger. Development
# keeps running as ecar_<service> unless DATABASE_MIGRATION_URL is set (the boot banner says so).
for service in billing audit; do
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'ecar_${service}_owner'")" ]]; then
    psql_admin -c "CREATE ROLE ecar_${service}_owner LOGIN"
  fi
  psql_admin -c "ALTER ROLE ecar_${service}_owner PASSWORD 'ecar-dev-password-${service}-owner'"
  psql_admin -c "GRANT CONNECT, CREATE ON DATABASE ecar_${service} TO ecar_${service}_owner"
done
# The backup service's dump role (reads every service database) and drill role (creates and
# drops scratch databases for restore drills); development passwords, refused in production.
if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'ecar_backup_reader'")" ]]; then
  psql_admin -c "CREATE ROLE ecar_backup_reader LOGIN"
fi
psql_admin -c "ALTER ROLE ecar_backup_reader PASSWORD 'ecar-dev-password-backup-reader'"
psql_admin -c "GRANT pg_read_all_data TO ecar_backup_reader"
for service in auth garage billing audit backup notify; do
  psql_admin -c "GRANT CONNECT ON DATABASE ecar_${service} TO ecar_backup_reader"
done
if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'ecar_backup_drill'")" ]]; then
  psql_admin -c "CREATE ROLE ecar_backup_drill LOGIN CREATEDB"
fi
psql_admin -c "ALTER ROLE ecar_backup_drill PASSWORD 'ecar-dev-password-backup-drill'"

# The test suite's role: creates and drops a throw-away database per test file.
if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'ecar_test'")" ]]; then
  psql_admin -c "CREATE ROLE ecar_test LOGIN CREATEDB"
fi
psql_admin -c "ALTER ROLE ecar_test PASSWORD 'ecar-test-only'"
# The runtime role of the owner/runtime split tests (issue 12, finding 2): the test databases are
# owned by ecar_test, which runs the migrations and grants this role only data privileges.
if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'ecar_test_runtime'")" ]]; then
  psql_admin -c "CREATE ROLE ecar_test_runtime LOGIN"
fi
psql_admin -c "ALTER ROLE ecar_test_runtime PASSWORD 'ecar-test-only'"
say "PostgreSQL ready (databases ecar_auth, ecar_garage, ecar_billing, ecar_audit, ecar_backup, ecar_notify)"
say "RabbitMQ ready (127.0.0.1:5672)"
say "Docker ready ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))"
