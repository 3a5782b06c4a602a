#!/usr/bin/env bash
# Prepares a Docker host for `docker compose up -d` (docs/operations/deploy.md): the .env file,
# every secret with the owner and mode its container needs, the internal PKI (ENC-6) for each
# TLS peer, RabbitMQ's definitions, nginx's configuration, a first edge certificate, and the
# host directories (/backups, Let's Encrypt) owned by the uid that writes them.
# Idempotent: existing secrets, keys and the CA are kept; owners, modes and rendered files are
# re-applied. Run as root from the repository checkout:
#   ECAR_DOMAIN=ecar.tn ... scripts/deploy/prepare-host.sh
# Settings come from the environment on the first run and from the .env file afterwards (the
# environment wins); see docs/operations/deploy.md for the list.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
say() { printf '[prepare-host] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "run as root: it sets file owners for the containers' users"
command -v node >/dev/null || die "Node.js 20 is needed on the host (it renders the configuration): see docs/operations/deploy.md"
command -v openssl >/dev/null || die "openssl is missing: apt-get install openssl"
command -v ssh-keygen >/dev/null || die "ssh-keygen is missing: apt-get install openssh-client"

# uids of the official images' users: node (1000), postgres and rabbitmq (999), nobody (65534).
NODE_UID=1000
DB_UID=999
BROKER_UID=999
PROMETHEUS_UID=65534

env_file="${ECAR_ENV_FILE:-$repo/.env}"
declare -A existing=()
if [[ -f "$env_file" ]]; then
  while IFS= read -r line; do
    [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] && existing["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
  done < "$env_file"
fi
# setting NAME [default]: the environment, else .env, else the default; none of them: refused.
setting() {
  local name="$1" value
  if [[ -n "${!name:-}" ]]; then value="${!name}"
  elif [[ -n "${existing[$name]:-}" ]]; then value="${existing[$name]}"
  elif [[ $# -ge 2 ]]; then value="$2"
  else die "$name is not set (export it, or put it in $env_file)"; fi
  [[ "$value" != *$'\n'* && "$value" != *'$'* ]] || die "$name must be one line without \$"
  printf -v "$name" '%s' "$value"
  export "${name?}"
}

setting COMPOSE_PROJECT_NAME ecar
setting ECAR_DOMAIN
setting ECAR_SERVER_NAME "$ECAR_DOMAIN www.$ECAR_DOMAIN"
setting ECAR_BOOTSTRAP_ADMIN_EMAIL
setting ECAR_SMTP_ALLOWED_HOSTS
setting ECAR_SFTP_HOST
setting ECAR_SFTP_USERNAME
setting ECAR_SFTP_ALLOWED_HOSTS "$ECAR_SFTP_HOST"
setting ECAR_SELLER_NAME
setting ECAR_SELLER_ADDRESS
setting ECAR_SELLER_TAX_ID
setting ECAR_SELLER_TRADE_REGISTER
# El Fatoora (TTN) e-invoicing: the web service's URL and login (the password is a file below).
setting ECAR_TTN_URL
setting ECAR_TTN_LOGIN
[[ "$ECAR_TTN_URL" == https://* ]] || die "ECAR_TTN_URL must be an https URL (El Fatoora web service)"
# RES-3: billing may reach TTN's host only (its OUTBOUND_ALLOWLIST).
ttn_host="${ECAR_TTN_URL#https://}"; ttn_host="${ttn_host%%/*}"; ttn_host="${ttn_host##*@}"
setting ECAR_TTN_ALLOWED_HOSTS "$ttn_host"
# Customer SMS (notify): the gateway's https URL; its host becomes notify's only outbound
# destination besides the SMTP relay (RES-3). The bearer key is a file (ECAR_SMS_API_KEY_FILE).
setting ECAR_SMS_GATEWAY_URL
[[ "$ECAR_SMS_GATEWAY_URL" == https://* ]] || die "ECAR_SMS_GATEWAY_URL must be an https URL (the SMS gateway)"
sms_host="${ECAR_SMS_GATEWAY_URL#https://}"; sms_host="${sms_host%%/*}"; sms_host="${sms_host##*@}"; sms_host="${sms_host%%:*}"
setting ECAR_SMS_ALLOWED_HOSTS "$sms_host"
setting ECAR_SMS_SENDER ECAR
setting ECAR_ADMIN_ALLOW ""
setting ECAR_CONFIG_DIR /etc/ecar
setting ECAR_SECRETS_DIR "$ECAR_CONFIG_DIR/secrets"
setting ECAR_NGINX_CONF "$ECAR_CONFIG_DIR/nginx/nginx.conf"
setting ECAR_LETSENCRYPT_DIR "$ECAR_CONFIG_DIR/letsencrypt"
setting ECAR_BACKUP_DIR /backups
setting ECAR_PUBLISH_ADDRESS 0.0.0.0
setting ECAR_HTTP_PORT 80
setting ECAR_HTTPS_PORT 443
setting ECAR_NGINX_HTTP2 directive
# Image overrides (a host without Docker Hub, tests/deploy); empty = the official images.
for name in NODE_IMAGE ECAR_POSTGRES_IMAGE ECAR_RABBITMQ_IMAGE ECAR_NGINX_IMAGE ECAR_PROMETHEUS_IMAGE ECAR_REDIS_IMAGE ECAR_CERTBOT_IMAGE; do
  setting "$name" ""
done

# The values the services validate at start, checked here so that a typo fails now, not in a
# restart loop: the matricule fiscal (1234567/X/A/M/000) and the allow-listed SFTP host.
node --import tsx -e '
  import("./services/billing/src/domain/matricule-fiscal.ts").then(({ isMatriculeFiscal }) => {
    if (!isMatriculeFiscal(process.env.ECAR_SELLER_TAX_ID)) {
      console.error(`ECAR_SELLER_TAX_ID "${process.env.ECAR_SELLER_TAX_ID}" is not a valid matricule fiscal (1234567/X/A/M/000)`);
      process.exit(1);
    }
  });' || die "fix ECAR_SELLER_TAX_ID"
[[ ",$ECAR_SFTP_ALLOWED_HOSTS," == *",$ECAR_SFTP_HOST,"* ]] || die "ECAR_SFTP_HOST must be one of ECAR_SFTP_ALLOWED_HOSTS (RES-2)"

# ---- .env: non-secret settings only ---------------------------------------------------------
{
  echo "# Written by scripts/deploy/prepare-host.sh; non-secret settings only (secrets: $ECAR_SECRETS_DIR)."
  for name in COMPOSE_PROJECT_NAME ECAR_DOMAIN ECAR_SERVER_NAME ECAR_BOOTSTRAP_ADMIN_EMAIL ECAR_SMTP_ALLOWED_HOSTS \
    ECAR_SFTP_HOST ECAR_SFTP_USERNAME ECAR_SFTP_ALLOWED_HOSTS ECAR_SELLER_NAME ECAR_SELLER_ADDRESS ECAR_SELLER_TAX_ID \
    ECAR_SELLER_TRADE_REGISTER ECAR_TTN_URL ECAR_TTN_LOGIN ECAR_TTN_ALLOWED_HOSTS ECAR_SMS_GATEWAY_URL ECAR_SMS_ALLOWED_HOSTS ECAR_SMS_SENDER ECAR_ADMIN_ALLOW ECAR_CONFIG_DIR ECAR_SECRETS_DIR ECAR_NGINX_CONF ECAR_LETSENCRYPT_DIR \
    ECAR_BACKUP_DIR ECAR_PUBLISH_ADDRESS ECAR_HTTP_PORT ECAR_HTTPS_PORT ECAR_NGINX_HTTP2 NODE_IMAGE ECAR_POSTGRES_IMAGE ECAR_RABBITMQ_IMAGE \
    ECAR_NGINX_IMAGE ECAR_PROMETHEUS_IMAGE ECAR_REDIS_IMAGE ECAR_CERTBOT_IMAGE; do
    if [[ -n "${!name}" ]]; then printf '%s=%s\n' "$name" "${!name}"; fi
  done
} > "$env_file.new"
chmod 644 "$env_file.new" && mv "$env_file.new" "$env_file"
say "settings in $env_file"

# ---- directories ----------------------------------------------------------------------------
install -d -o root -g root -m 755 "$ECAR_CONFIG_DIR"
install -d -o root -g root -m 700 "$ECAR_SECRETS_DIR" "$ECAR_CONFIG_DIR/pki"
install -d -o root -g root -m 755 "$(dirname "$ECAR_NGINX_CONF")" "$ECAR_LETSENCRYPT_DIR"
# INC-4: the backup service (uid 1000) writes the sets; nobody else reads them.
install -d -o "$NODE_UID" -g "$NODE_UID" -m 750 "$ECAR_BACKUP_DIR"
chown "$NODE_UID:$NODE_UID" "$ECAR_BACKUP_DIR" && chmod 750 "$ECAR_BACKUP_DIR"

secrets="$ECAR_SECRETS_DIR"
rand_hex() { openssl rand -hex 32; }
# new_secret NAME COMMAND...: writes the command's output once; an existing secret is kept.
new_secret() {
  local name="$1"; shift
  [[ -s "$secrets/$name" ]] && return 0
  (umask 077 && "$@" > "$secrets/$name.new") && mv "$secrets/$name.new" "$secrets/$name"
  say "generated $name"
}
# secret_from NAME FILE-VARIABLE: copies an operator-provided file (public keys, known_hosts).
secret_from() {
  local name="$1" variable="$2"
  if [[ -n "${!variable:-}" ]]; then
    [[ -s "${!variable}" ]] || die "$variable=${!variable} is not a readable, non-empty file"
    install -m 600 "${!variable}" "$secrets/$name"
  fi
  [[ -s "$secrets/$name" ]] || die "$secrets/$name is missing: set $variable to the file (see docs/operations/deploy.md)"
}
# own NAME UID GID MODE
own() { chown "$2:$3" "$secrets/$1" && chmod "$4" "$secrets/$1"; }

database_url() { printf 'postgres://%s:%s@postgres:5432/%s?sslmode=verify-full&sslrootcert=/run/secrets/internal_ca_cert\n' "$1" "$(rand_hex)" "$2"; }
for service in auth garage billing audit backup notify; do
  new_secret "${service}_database_url" database_url "ecar_$service" "ecar_$service"
done
# Schema owners of billing and audit (issue 12, finding 2): their migrations run as these roles
# (DATABASE_MIGRATION_URL), so the runtime roles above own no table and cannot disable its guards.
for service in billing audit; do
  new_secret "${service}_migration_database_url" database_url "ecar_${service}_owner" "ecar_$service"
done
new_secret backup_dump_database_url database_url ecar_backup_reader postgres
new_secret backup_drill_admin_url database_url ecar_backup_drill postgres
amqp_url() { printf 'amqps://ecar_%s:%s@rabbitmq:5671/ecar\n' "$1" "$(rand_hex)"; }
for deployable in gateway auth garage billing audit backup notify; do
  new_secret "${deployable}_amqp_url" amqp_url "$deployable"
done
new_secret postgres_superuser_password rand_hex
# Redis (the gateways' shared rate limits): one password, given to the server as its configuration
# and to the gateway as its URL; no persistence.
new_secret redis_password rand_hex
(umask 077 && printf 'bind 0.0.0.0\nport 6379\nprotected-mode yes\nrequirepass %s\nsave ""\nappendonly no\n' "$(cat "$secrets/redis_password")" > "$secrets/redis_conf")
(umask 077 && printf 'redis://:%s@redis:6379\n' "$(cat "$secrets/redis_password")" > "$secrets/gateway_redis_url")
base64_32() { openssl rand -base64 32; }
new_secret auth_signing_key_encryption_key base64_32
new_secret auth_mfa_encryption_key base64_32
new_secret auth_csrf_key base64_32
# The first super-admin's password: read it here once, change it at the first login (MFA enforced).
new_secret auth_bootstrap_admin_password openssl rand -base64 24
field_keys() { printf 'k1:%s\n' "$(openssl rand -base64 32)"; }
new_secret garage_field_keys field_keys
new_secret garage_blind_index_key base64_32
# Ed25519 seed of the maintenance book's signing key (issue 15): `kid:base64(32 bytes)`; append a key to rotate.
book_keys() { printf 'b1:%s\n' "$(openssl rand -base64 32)"; }
new_secret garage_book_signing_keys book_keys
# HMAC key of the audit chain (issue 12): outside the database, so a rewrite needs it too.
new_secret audit_chain_key base64_32
# Ed25519 key that signs every backup manifest (issue 12, finding 8); its public half is what
# restores, verifications and drills off the VPS check sets against (docs/operations/backup-restore.md).
new_secret backup_signing_key openssl genpkey -algorithm ed25519
openssl pkey -in "$secrets/backup_signing_key" -pubout > "$ECAR_CONFIG_DIR/backup_verify_key.pem"
chmod 644 "$ECAR_CONFIG_DIR/backup_verify_key.pem"
if [[ -n "${ECAR_SMTP_URL_FILE:-}" ]]; then secret_from auth_smtp_url ECAR_SMTP_URL_FILE; fi
[[ -s "$secrets/auth_smtp_url" ]] || die "$secrets/auth_smtp_url is missing: set ECAR_SMTP_URL_FILE to a file holding smtps://user:password@relay:465"
# notify's relay: its own file if the operator brings one (ECAR_NOTIFY_SMTP_URL_FILE), else auth's.
if [[ -n "${ECAR_NOTIFY_SMTP_URL_FILE:-}" ]]; then secret_from notify_smtp_url ECAR_NOTIFY_SMTP_URL_FILE; fi
if [[ ! -s "$secrets/notify_smtp_url" ]]; then install -m 600 "$secrets/auth_smtp_url" "$secrets/notify_smtp_url"; fi
secret_from notify_sms_api_key ECAR_SMS_API_KEY_FILE
secret_from backup_public_key ECAR_BACKUP_PUBLIC_KEY_FILE
# The seller's TEIF signing certificate (PKCS#12 from TunTrust), kept base64 as billing reads it.
if [[ -n "${ECAR_TEIF_P12_FILE:-}" ]]; then
  [[ -s "$ECAR_TEIF_P12_FILE" ]] || die "ECAR_TEIF_P12_FILE=$ECAR_TEIF_P12_FILE is not a readable, non-empty file"
  (umask 077 && base64 -w0 "$ECAR_TEIF_P12_FILE" > "$secrets/teif_signing_p12")
fi
[[ -s "$secrets/teif_signing_p12" ]] || die "$secrets/teif_signing_p12 is missing: set ECAR_TEIF_P12_FILE to the seller's PKCS#12 (TunTrust)"
secret_from teif_signing_p12_password ECAR_TEIF_P12_PASSWORD_FILE
secret_from ttn_password ECAR_TTN_PASSWORD_FILE
secret_from backup_sftp_known_hosts ECAR_SFTP_KNOWN_HOSTS_FILE
if [[ ! -s "$secrets/backup_sftp_private_key" ]]; then
  rm -f "$secrets/backup_sftp_private_key.new" "$secrets/backup_sftp_private_key.new.pub"
  ssh-keygen -q -t ed25519 -N '' -C "ecar-backup@$ECAR_DOMAIN" -f "$secrets/backup_sftp_private_key.new"
  mv "$secrets/backup_sftp_private_key.new" "$secrets/backup_sftp_private_key"
  rm -f "$secrets/backup_sftp_private_key.new.pub"
  say "generated backup_sftp_private_key"
fi
ssh-keygen -y -f "$secrets/backup_sftp_private_key" > "$ECAR_CONFIG_DIR/backup_sftp_key.pub"
chmod 644 "$ECAR_CONFIG_DIR/backup_sftp_key.pub"

# ---- internal PKI (ENC-6) -------------------------------------------------------------------
pki="$ECAR_CONFIG_DIR/pki"
# nginx is the gateway's TLS client (issue 12 finding 9); notify is garage's only contact reader.
PKI_PEERS="gateway auth garage billing audit backup notify prometheus postgres rabbitmq nginx"
if [[ ! -s "$pki/ca.crt" ]]; then
  node --import tsx scripts/pki.ts "$pki" >&2
elif [[ -s "$pki/ca.key" ]]; then
  # A peer added since the CA was made (postgres, rabbitmq, notify, nginx): issue them all again.
  for peer in $PKI_PEERS; do
    if [[ ! -s "$pki/$peer.crt" ]]; then node --import tsx scripts/pki.ts "$pki" --ca-from "$pki" >&2; break; fi
  done
fi
for peer in $PKI_PEERS; do
  [[ -s "$pki/$peer.crt" && -s "$pki/$peer.key" ]] || die "$pki/$peer.crt or .key missing (re-issue: node --import tsx scripts/pki.ts $pki --ca-from <dir with ca.key>)"
  install -m 444 "$pki/$peer.crt" "$secrets/${peer}_tls_cert"
  install -m 400 "$pki/$peer.key" "$secrets/${peer}_tls_key"
done
install -m 444 "$pki/ca.crt" "$secrets/internal_ca_cert"

# ---- RabbitMQ definitions (users and permissions from the AMQP URLs) ------------------------
node --import tsx infra/rabbitmq/render-definitions.ts --secrets "$secrets" --out "$secrets/rabbitmq_definitions.json"

# ---- owners and modes: each secret readable by exactly the uids that mount it ---------------
# Read by a service (uid 1000) and by the postgres init (uid 999): owner 1000, group 999, 0440.
for name in auth_database_url garage_database_url billing_database_url audit_database_url backup_database_url notify_database_url \
  billing_migration_database_url audit_migration_database_url backup_dump_database_url backup_drill_admin_url; do
  own "$name" "$NODE_UID" "$DB_UID" 440
done
for name in gateway_amqp_url gateway_redis_url auth_amqp_url garage_amqp_url billing_amqp_url audit_amqp_url backup_amqp_url notify_amqp_url \
  notify_smtp_url notify_sms_api_key notify_tls_key \
  auth_signing_key_encryption_key auth_mfa_encryption_key auth_csrf_key auth_bootstrap_admin_password auth_smtp_url \
  garage_field_keys garage_blind_index_key garage_book_signing_keys audit_chain_key teif_signing_p12 teif_signing_p12_password ttn_password backup_public_key backup_signing_key backup_sftp_known_hosts backup_sftp_private_key \
  gateway_tls_key auth_tls_key garage_tls_key billing_tls_key audit_tls_key backup_tls_key; do
  own "$name" "$NODE_UID" "$NODE_UID" 400
done
own postgres_superuser_password "$DB_UID" "$DB_UID" 400
own redis_password 0 0 400
# The redis uid differs between the official image and the local stand-in; the secrets directory
# itself is root-only (700) and only the redis container mounts this file.
own redis_conf 0 0 444
# PostgreSQL refuses a key that is not its own or is readable by others.
own postgres_tls_key "$DB_UID" "$DB_UID" 600
own rabbitmq_tls_key "$BROKER_UID" "$BROKER_UID" 400
own rabbitmq_definitions.json "$BROKER_UID" "$BROKER_UID" 400
own prometheus_tls_key "$PROMETHEUS_UID" "$PROMETHEUS_UID" 400
# nginx's master process (root, without CAP_DAC_OVERRIDE) loads it before the workers start.
own nginx_tls_key 0 0 400
for peer in $PKI_PEERS; do own "${peer}_tls_cert" 0 0 444; done
own internal_ca_cert 0 0 444

# ---- edge: nginx configuration and a first certificate --------------------------------------
read -r -a names <<<"$ECAR_SERVER_NAME"
primary="$ECAR_DOMAIN"
cert_dirs="/etc/letsencrypt/live/$primary,/etc/letsencrypt/live/$primary-rsa"
ECAR_CERT_DIRS="$cert_dirs" node --import tsx nginx/render.ts --out "$ECAR_NGINX_CONF"
chmod 644 "$ECAR_NGINX_CONF"
# nginx cannot start without a certificate, and Let's Encrypt's http-01 challenge needs nginx:
# until infra/certbot/issue.sh replaces them, a self-signed pair per key type (browsers warn).
san="$(printf 'DNS:%s,' "${names[@]}")"
self_signed() { # lineage key-algorithm-options...
  local dir="$ECAR_LETSENCRYPT_DIR/live/$1"; shift
  [[ -e "$dir/fullchain.pem" ]] && return 0
  install -d -m 755 "$dir"
  openssl req -x509 -newkey "$@" -nodes -days 30 -subj "/CN=$primary" -addext "subjectAltName=${san%,}" \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
  cp "$dir/fullchain.pem" "$dir/chain.pem"
  chmod 600 "$dir/privkey.pem"
  say "self-signed placeholder certificate in $dir (replace it: infra/certbot/issue.sh)"
}
self_signed "$primary" ec -pkeyopt ec_paramgen_curve:prime256v1
self_signed "$primary-rsa" rsa:3072

say "host ready: docker compose up -d   (the first super-admin's password: $secrets/auth_bootstrap_admin_password)"
say "install $ECAR_CONFIG_DIR/backup_sftp_key.pub in ~$ECAR_SFTP_USERNAME/.ssh/authorized_keys on $ECAR_SFTP_HOST"
