#!/usr/bin/env bash
# Starts the whole ECAR stack natively (development mode): checks PostgreSQL and RabbitMQ,
# installs dependencies, builds the web app, then runs the gateway and the five services with
# prefixed logs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-node-modules.sh
echo "[ecar] building the web app (web/dist)"
npm run --silent build -w web
exec node scripts/start-stack.mjs "$@"
