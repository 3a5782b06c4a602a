# Local stand-in for nginx:1.27-alpine: Debian's nginx (1.22, so the configuration is rendered
# with ECAR_NGINX_HTTP2=listen-flag), worker user `nginx`, access log on stdout, wget for the
# health check.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends nginx-light wget \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin nginx \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
 && install -d /var/cache/nginx
EXPOSE 80 443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
