#!/bin/bash
# First issuance (ENC-5), with the stack running: nginx serves prepare-host.sh's self-signed
# placeholders and the http-01 challenge on :80 (/.well-known/acme-challenge/ from the
# acme-webroot volume), certbot writes the challenge there, then nginx is reloaded gracefully
# onto the Let's Encrypt certificates. Two lineages, so that both halves of the seed's cipher
# list work: ECDSA P-256 (preferred) and RSA 3072 (older clients). Both keep their key on
# renewal (--reuse-key): the SPKI pins of ENC-7 stay valid (docs/security/tls-and-edge.md).
# Usage: ECAR_DOMAINS="ecar.tn www.ecar.tn" ECAR_ACME_EMAIL=security@ecar.tn infra/certbot/issue.sh
# A lineage that already exists is left to renew.sh.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${ECAR_DOMAINS:?space-separated domain names}"
: "${ECAR_ACME_EMAIL:?contact e-mail for the ACME account}"
read -r -a domains <<<"$ECAR_DOMAINS"
primary="${domains[0]}"
domain_args=()
for domain in "${domains[@]}"; do domain_args+=(--domain "$domain"); done

issue() { # lineage key-options...
  local lineage="$1"; shift
  if [[ -f "$letsencrypt_dir/renewal/$lineage.conf" ]]; then
    echo "ecar-certbot: $lineage already issued (renewals: infra/certbot/renew.sh)"
    return 0
  fi
  # certbot refuses to create a lineage over an existing live/ directory: the placeholder
  # steps aside (nginx keeps its loaded copy until the reload) and comes back on failure.
  local placeholder="$letsencrypt_dir/placeholder/$lineage"
  if [[ -d "$letsencrypt_dir/live/$lineage" ]]; then
    install -d -m 700 "$letsencrypt_dir/placeholder"
    rm -rf "$placeholder"
    mv "$letsencrypt_dir/live/$lineage" "$placeholder"
  fi
  if ! certbot certonly --webroot --webroot-path /var/www/certbot --cert-name "$lineage" --reuse-key \
    --non-interactive --agree-tos --email "$ECAR_ACME_EMAIL" --no-eff-email \
    "${acme_server[@]}" "${domain_args[@]}" "$@"; then
    if [[ -d "$placeholder" && ! -e "$letsencrypt_dir/live/$lineage" ]]; then mv "$placeholder" "$letsencrypt_dir/live/$lineage"; fi
    echo "ecar-certbot: issuing $lineage failed; nginx still serves the placeholder" >&2
    return 1
  fi
}
issue "$primary" --key-type ecdsa --elliptic-curve secp256r1
issue "$primary-rsa" --key-type rsa --rsa-key-size 3072
reload_nginx
echo "ecar-certbot: certificates in /etc/letsencrypt/live/$primary and /etc/letsencrypt/live/$primary-rsa; nginx reloaded"
