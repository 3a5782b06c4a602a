# Local stand-in for node:20-bookworm-slim (no Docker Hub here): the host's own Node 20 and npm
# on the debootstrapped bookworm base, user `node` uid 1000 as in the official image.
# Built by scripts/deploy/build-local-images.sh; the build context holds node, npm and the
# CA bundle npm needs to reach the registry from this machine (test images only).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-bundle.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV NPM_CONFIG_CAFILE=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
