#!/bin/sh
# certbot --deploy-hook (inside the certbot container): runs once per renewed lineage.
# The certbot container cannot reach nginx (no Docker socket, by design), so it leaves a
# marker in the shared letsencrypt volume; infra/certbot/renew.sh reloads nginx when it sees it.
set -eu
touch /etc/letsencrypt/.ecar-reload-nginx
echo "ecar: renewed ${RENEWED_LINEAGE:-a certificate}; nginx reload requested"
