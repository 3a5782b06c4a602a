#!/bin/bash
# Certificate renewal (ENC-5), run on the VPS by ecar-certbot.timer twice a day.
# certbot renews what is within 30 days of expiry through the webroot that nginx serves on
# :80 (/.well-known/acme-challenge/); the deploy hook marks a renewal and nginx is reloaded
# gracefully (no dropped connections) so it picks up the new files.
set -euo pipefail
cd "${ECAR_HOME:-/opt/ecar}"
compose=(docker compose --file docker-compose.yml)

"${compose[@]}" run --rm --no-deps certbot renew --quiet \
  --webroot --webroot-path /var/www/certbot \
  --deploy-hook /opt/ecar-certbot/deploy-hook.sh

if "${compose[@]}" run --rm --no-deps --entrypoint test certbot -f /etc/letsencrypt/.ecar-reload-nginx; then
  "${compose[@]}" exec -T nginx nginx -t -q
  "${compose[@]}" exec -T nginx nginx -s reload
  "${compose[@]}" run --rm --no-deps --entrypoint rm certbot -f /etc/letsencrypt/.ecar-reload-nginx
  logger -t ecar-certbot "certificates renewed; nginx reloaded"
fi
