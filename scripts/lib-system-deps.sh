# Debian packages the tests and the native stack need. Sourced by scripts/ensure-system.sh.
# Add a package here (one per line) when a test needs a new system tool.
ECAR_APT_PACKAGES=(
  postgresql
  postgresql-client
  rabbitmq-server
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
)
