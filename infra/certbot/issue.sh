#!/bin/bash
# First issuance (ENC-5), before nginx has any certificate: certbot answers the http-01
# challenge itself on :80 (stop nginx first if it runs). Two lineages, so that both halves of
# the seed's cipher list work: ECDSA P-256 (preferred) and RSA 3072 (older clients).
# Usage: ECAR_DOMAINS="ecar.tn www.ecar.tn" ECAR_ACME_EMAIL=security@ecar.tn infra/certbot/issue.sh
set -euo pipefail
cd "${ECAR_HOME:-/opt/ecar}"
: "${ECAR_DOMAINS:?space-separated domain names}"
: "${ECAR_ACME_EMAIL:?contact e-mail for the ACME account}"
read -r -a domains <<<"$ECAR_DOMAINS"
primary="${domains[0]}"
domain_args=()
for domain in "${domains[@]}"; do domain_args+=(--domain "$domain"); done

issue() {
  # --reuse-key: renewals keep the key, so the SPKI pins of ENC-7 stay valid (tls-and-edge.md).
  docker compose run --rm --no-deps --publish 80:80 certbot certonly --standalone --reuse-key \
    --non-interactive --agree-tos --email "$ECAR_ACME_EMAIL" --no-eff-email \
    "${domain_args[@]}" "$@"
}
issue --cert-name "$primary" --key-type ecdsa --elliptic-curve secp256r1
issue --cert-name "$primary-rsa" --key-type rsa --rsa-key-size 3072
echo "Certificates in /etc/letsencrypt/live/$primary and /etc/letsencrypt/live/$primary-rsa"
