#!/usr/bin/env bash
# Rebuilds services/auth/resources/common-passwords.txt.gz, the common-password list of the
# password policy (AUTH-8, IMP-2). It is Django's own list (20,000 most common passwords by
# Royce Williams, lower-cased and de-duplicated: 19,726 lines in Django 3.2), taken offline from
# Debian's python3-django package (bookworm, 3:3.2.25-0+deb12u7), which ships it as
# django/contrib/auth/common-passwords.txt.gz. The .deb is only downloaded and unpacked, never
# installed. Expected sha256 of the shipped file:
#   a73d3d14f1e9ee570a18232dc1edfd129dc9c0da4315da2b69ad6d92914a6fe6
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download python3-django >/dev/null
dpkg-deb -x ./*.deb unpacked
cp unpacked/usr/lib/python3/dist-packages/django/contrib/auth/common-passwords.txt.gz "$here/resources/common-passwords.txt.gz"
sha256sum "$here/resources/common-passwords.txt.gz"
