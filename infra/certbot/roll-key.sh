#!/bin/bash
# Key roll-over onto the offline backup key (ENC-7; docs/security/tls-and-edge.md §pinning): the
# lineage's next certificate is issued for the backup key, whose pin the mobile app already
# carries, so pinned apps keep connecting. Use it when the live key is compromised or retired.
# Usage: infra/certbot/roll-key.sh LINEAGE BACKUP_KEY.pem   (e.g. ecar.tn /media/safe/ecar-backup-pin.key)
# The backup key must be of the lineage's type (ECDSA P-256 for ecar.tn). The old key is kept as
# <key>.retired beside it. Afterwards: a NEW backup key, a new pin set, an app release.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lineage="${1:?usage: roll-key.sh LINEAGE BACKUP_KEY.pem}"
backup_key="${2:?usage: roll-key.sh LINEAGE BACKUP_KEY.pem}"
[[ -f "$letsencrypt_dir/renewal/$lineage.conf" ]] || { echo "ecar-certbot: no lineage $lineage (issue.sh first)" >&2; exit 1; }
openssl pkey -in "$backup_key" -noout || { echo "ecar-certbot: $backup_key is not a private key" >&2; exit 1; }
# With --reuse-key certbot requests the next certificate for the lineage's current key file:
# that file becomes the backup key (live/ links to archive/, the link is followed).
current="$(readlink -f "$letsencrypt_dir/live/$lineage/privkey.pem")"
cp -p "$current" "$current.retired"
install -m 600 "$backup_key" "$current"
if ! certbot renew --cert-name "$lineage" --force-renewal --reuse-key --no-random-sleep-on-renew --webroot --webroot-path /var/www/certbot; then
  cp -p "$current.retired" "$current"
  echo "ecar-certbot: roll-over of $lineage failed; the old key is back" >&2
  exit 1
fi
reload_nginx
echo "ecar-certbot: $lineage now uses the backup key; nginx reloaded"
