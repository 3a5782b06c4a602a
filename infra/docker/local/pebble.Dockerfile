# The deployment test's ACME server (tests/deploy): Debian's pebble, Let's Encrypt's own RFC 8555
# test server, standing in for Let's Encrypt. Test only: it forgets everything on restart.
# wget fetches its random root (management interface) for the test's trust store.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends pebble wget \
 && rm -rf /var/lib/apt/lists/*
USER nobody
EXPOSE 14000 15000
CMD ["pebble", "-config", "/etc/pebble/config.json"]
