# Debian packages the tests and the native stack need. Sourced by scripts/ensure-system.sh.
# Add a package here (one per line) when a test needs a new system tool.
ECAR_APT_PACKAGES=(
  postgresql
  postgresql-client
  rabbitmq-server
  redis-server
  redis-tools
  nginx
  openssl
  sslscan
  nftables
  iproute2
  openssh-server
  openssh-client
  prometheus
  poppler-utils
  libxml2-utils
  xmlsec1
  fonts-hosny-amiri
  sqlmap
  chromium
  # tests/deploy: a real Docker engine, Compose (v1 on Debian 12), and debootstrap for the local
  # stand-ins of the official images (scripts/deploy/build-local-images.sh).
  docker.io
  docker-compose
  debootstrap
)
