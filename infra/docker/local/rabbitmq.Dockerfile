# Local stand-in for rabbitmq:3.13: Debian's RabbitMQ (3.10), uid/gid 999 and the paths of the
# official image (/etc/rabbitmq, /var/lib/rabbitmq), run in the foreground as `rabbitmq`.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 999 rabbitmq \
 && useradd --system --uid 999 --gid rabbitmq --home-dir /var/lib/rabbitmq --shell /bin/sh rabbitmq \
 && apt-get update && apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* /etc/rabbitmq/rabbitmq-env.conf \
 && install -d -o rabbitmq -g rabbitmq -m 750 /var/lib/rabbitmq
ENV HOME=/var/lib/rabbitmq \
    RABBITMQ_CONFIG_FILE=/etc/rabbitmq/rabbitmq.conf \
    RABBITMQ_ENABLED_PLUGINS_FILE=/etc/rabbitmq/enabled_plugins \
    RABBITMQ_MNESIA_BASE=/var/lib/rabbitmq/mnesia \
    RABBITMQ_LOG_BASE=/var/lib/rabbitmq/log \
    PATH=/usr/lib/rabbitmq/bin:$PATH
USER rabbitmq
EXPOSE 5671 15692
CMD ["rabbitmq-server"]
