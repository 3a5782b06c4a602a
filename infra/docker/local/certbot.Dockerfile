# Local stand-in for certbot/certbot:v2.11.0: Debian's certbot (2.1), same entry point, so
# infra/certbot/*.sh run unchanged (`docker compose run --rm certbot renew …`).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends certbot \
 && rm -rf /var/lib/apt/lists/* \
 && install -d /etc/letsencrypt /var/lib/letsencrypt /var/www/certbot
VOLUME /etc/letsencrypt /var/lib/letsencrypt
ENTRYPOINT ["certbot"]
