#!/usr/bin/env bash
# Builds local stand-ins for the official images docker-compose.yml names (no Docker Hub on
# this machine): a bookworm base from debootstrap, then node, postgres, rabbitmq, nginx,
# prometheus, redis, certbot and the test's SFTP host and ACME server (pebble) from Debian's packages (infra/docker/local/).
# Every tag carries a hash of its inputs, so a warm run finds them all and builds nothing.
# Prints the compose variables that select them (ECAR_*_IMAGE=...), one per line; with
# --env-file FILE it also writes them there.
#   sudo scripts/deploy/build-local-images.sh [--env-file FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
recipes="$root/infra/docker/local"
env_file=""
if [[ "${1:-}" == --env-file ]]; then env_file="${2:?--env-file needs a path}"; fi
export DOCKER_BUILDKIT=0
say() { printf '[build-local-images] %s\n' "$*" >&2; }
[[ $(id -u) -eq 0 ]] || { say "run as root (debootstrap and docker)"; exit 1; }
command -v debootstrap >/dev/null || { say "debootstrap is missing: apt-get install -y debootstrap"; exit 1; }

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

mirror="${ECAR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
base_tag="ecar-local/bookworm:$(printf '%s\n' "$mirror" "minbase" | cat - "$0" | sha256sum | cut -c1-12)"
if ! have_image "$base_tag"; then
  work="/var/lib/ecar-local-images/rootfs.$$"
  install -d -o root -g root -m 755 /var/lib/ecar-local-images
  rm -rf "$work"
  say "debootstrap bookworm from $mirror (a few minutes, once)"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$work" "$mirror" >&2
  # No recommends, no docs: the images stay small.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$work/etc/apt/apt.conf.d/90ecar"
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' > "$work/etc/dpkg/dpkg.cfg.d/90ecar"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" > "$work/etc/apt/sources.list.d/debian.sources"
  rm -f "$work/etc/apt/sources.list"
  rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/*
  tar --numeric-owner -C "$work" -c . | docker import - "$base_tag" >/dev/null
  rm -rf "$work"
  say "imported $base_tag"
fi

# Context of the node stand-in: the host's Node and npm, and the CA bundle npm needs here.
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
ca_bundle="$(npm config get cafile 2>/dev/null || true)"
[[ -f "$ca_bundle" ]] || ca_bundle=/etc/ssl/certs/ca-certificates.crt

build() { # name dockerfile [extra context files...]
  local name="$1" dockerfile="$recipes/$2"; shift 2
  local tag="ecar-local/$name:$(printf '%s\n' "$base_tag" | cat - "$dockerfile" "$@" | sha256sum | cut -c1-12)"
  if ! have_image "$tag"; then
    local context
    context="$(mktemp -d /var/lib/ecar-local-images/context.XXXXXX)"
    cp "$dockerfile" "$context/Dockerfile"
    for file in "$@"; do cp -a "$file" "$context/"; done
    say "building $tag"
    docker build --quiet --build-arg "BASE_IMAGE=$base_tag" -t "$tag" "$context" >&2
    rm -rf "$context"
  fi
  printf '%s\n' "$tag"
}

node_context="$(mktemp -d /var/lib/ecar-local-images/node.XXXXXX)"
trap 'rm -rf "$node_context"' EXIT
cp "$node_bin" "$node_context/node"
cp -a "$npm_dir" "$node_context/npm"
cp "$ca_bundle" "$node_context/ca-bundle.crt"
node_version="$("$node_bin" --version)"
printf '%s\n' "$node_version" "$(cat "$npm_dir/package.json" | sha256sum)" > "$node_context/versions"

node_image="$(
  tag="ecar-local/node:$(printf '%s\n' "$base_tag" | cat - "$recipes/node.Dockerfile" "$node_context/versions" "$node_context/ca-bundle.crt" | sha256sum | cut -c1-12)"
  if ! have_image "$tag"; then
    cp "$recipes/node.Dockerfile" "$node_context/Dockerfile"
    say "building $tag (Node $node_version)"
    docker build --quiet --build-arg "BASE_IMAGE=$base_tag" -t "$tag" "$node_context" >&2
  fi
  printf '%s\n' "$tag"
)"

variables="NODE_IMAGE=$node_image
ECAR_POSTGRES_IMAGE=$(build postgres postgres.Dockerfile "$recipes/postgres-entrypoint.sh")
ECAR_RABBITMQ_IMAGE=$(build rabbitmq rabbitmq.Dockerfile)
ECAR_NGINX_IMAGE=$(build nginx nginx.Dockerfile)
ECAR_PROMETHEUS_IMAGE=$(build prometheus prometheus.Dockerfile)
ECAR_REDIS_IMAGE=$(build redis redis.Dockerfile)
ECAR_CERTBOT_IMAGE=$(build certbot certbot.Dockerfile)
ECAR_SFTP_TEST_IMAGE=$(build sftp sftp.Dockerfile "$recipes/sftp-sshd.conf")
ECAR_PEBBLE_TEST_IMAGE=$(build pebble pebble.Dockerfile)"
printf '%s\n' "$variables"
if [[ -n "$env_file" ]]; then printf '%s\n' "$variables" > "$env_file"; fi
