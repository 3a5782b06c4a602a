#!/bin/bash
# Certificate renewal (ENC-5), run on the VPS by ecar-certbot.timer twice a day.
# `certbot renew` renews what is within 30 days of expiry through the webroot that nginx serves on
# :80 (/.well-known/acme-challenge/), keeping each key (--reuse-key, so the ENC-7 pins hold); the
# deploy hook marks a renewal in the letsencrypt volume and nginx is reloaded gracefully (no
# dropped connection) so that it serves the new files. Nothing due: nothing reloaded.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
marker="$letsencrypt_dir/.ecar-reload-nginx"

# --no-random-sleep-on-renew: certbot would otherwise wait up to 8 minutes when run without a
# terminal; the timer spreads the runs itself (RandomizedDelaySec).
certbot renew --quiet --no-random-sleep-on-renew --webroot --webroot-path /var/www/certbot \
  --deploy-hook /opt/ecar-certbot/deploy-hook.sh

if [[ -e "$marker" ]]; then
  reload_nginx
  rm -f "$marker"
  logger -t ecar-certbot "certificates renewed; nginx reloaded" 2>/dev/null || true
  echo "ecar-certbot: certificates renewed; nginx reloaded"
fi
