#!/bin/sh
# Container health check of Prometheus: ready, and one scrape pool per job of prometheus.yml.
# Prometheus drops a job whose TLS files it cannot read and still answers /-/ready; counting
# the pools turns that silent loss into an unhealthy container. POSIX sh + wget (busybox too).
set -eu
config=/etc/prometheus/prometheus.yml
wget -q -O /dev/null http://127.0.0.1:9090/-/ready
jobs=$(grep -c '^ *- job_name:' "$config")
# {"status":"success","data":{"scrapePools":["auth","backup",...]}}
names=$(wget -q -O - http://127.0.0.1:9090/api/v1/scrape_pools | sed -n 's/.*"scrapePools":\[\([^]]*\)\].*/\1/p')
pools=$(printf '%s' "$names" | tr ',' '\n' | grep -c . || true)
if [ "$pools" -ne "$jobs" ]; then
  echo "prometheus: $pools scrape pools for $jobs jobs in $config (unreadable TLS file? see the log)" >&2
  exit 1
fi
