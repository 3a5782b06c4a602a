#!/usr/bin/env bash
# The one command that runs every test: system services, dependencies, type check (services and
# web), lint, the web build, and the whole suite (unit, integration, e2e, security, browser,
# edge) against the real PostgreSQL and RabbitMQ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-node-modules.sh
echo "[ecar] type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p web/tsconfig.json --noEmit
echo "[ecar] lint"
npx eslint --max-warnings=0 .
echo "[ecar] web build (the browser tests run against it)"
npm run --silent build -w web
echo "[ecar] tests"
node scripts/run-tests.mjs "$@"
