#!/bin/bash
# Prints the SPKI pins (base64 SHA-256 of the DER SubjectPublicKeyInfo, as RFC 7469 and the
# mobile pinning libraries use them) for ENC-7: one per certificate or key given.
#   infra/certbot/spki-pins.sh /etc/letsencrypt/live/ecar.tn/cert.pem \
#       /etc/letsencrypt/live/ecar.tn-rsa/cert.pem /root/offline/ecar-backup-pin.pub
# Accepts PEM certificates, public keys and private keys. Publish the output in
# docs/mobile.md's pin table and in the app's configuration (docs/security/tls-and-edge.md).
set -euo pipefail
if (($# == 0)); then
  echo "usage: $0 FILE..." >&2
  exit 64
fi
for file in "$@"; do
  if grep -q 'BEGIN CERTIFICATE' "$file"; then
    der() { openssl x509 -in "$file" -noout -pubkey | openssl pkey -pubin -outform der; }
  elif grep -q 'BEGIN PUBLIC KEY' "$file"; then
    der() { openssl pkey -pubin -in "$file" -outform der; }
  else
    der() { openssl pkey -in "$file" -pubout -outform der; }
  fi
  pin="$(der | openssl dgst -sha256 -binary | openssl enc -base64 -A)"
  printf 'sha256/%s  %s\n' "$pin" "$file"
done
