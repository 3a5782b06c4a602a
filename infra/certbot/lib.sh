# Sourced by infra/certbot/{issue,renew,roll-key}.sh: the deployment's Compose command (the v2
# plugin, else Debian 12's docker-compose v1) with its .env, the host directory of the
# `letsencrypt` volume, and nginx's graceful reload.
# ECAR_HOME [/opt/ecar] the checkout; ECAR_ENV_FILE [.env] prepare-host.sh's settings;
# ECAR_ACME_SERVER [Let's Encrypt] another ACME directory (tests/deploy: a local pebble).
# COMPOSE_FILE / COMPOSE_PROJECT_NAME are Compose's own variables and pass through.
# shellcheck shell=bash
cd "${ECAR_HOME:-/opt/ecar}"
env_file="${ECAR_ENV_FILE:-.env}"
[[ -f "$env_file" ]] || { echo "ecar-certbot: no $env_file (run scripts/deploy/prepare-host.sh first)" >&2; exit 1; }
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
compose+=(--env-file "$env_file")
letsencrypt_dir="$(sed -n 's/^ECAR_LETSENCRYPT_DIR=//p' "$env_file" | tail -n 1)"
letsencrypt_dir="${letsencrypt_dir:-/etc/ecar/letsencrypt}"
acme_server=()
if [[ -n "${ECAR_ACME_SERVER:-}" ]]; then acme_server=(--server "$ECAR_ACME_SERVER"); fi

certbot() { "${compose[@]}" run --rm --no-deps -T certbot "$@"; }

# nginx -s reload: the master checks the configuration, starts new workers with the new
# certificates and lets the old ones finish their requests (no connection is cut).
reload_nginx() {
  "${compose[@]}" exec -T nginx nginx -t -q
  "${compose[@]}" exec -T nginx nginx -s reload
}
