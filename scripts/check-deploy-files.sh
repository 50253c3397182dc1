#!/bin/sh
# Checks the deployment files with the tools that run here (no Docker
# engine): promtool for the Prometheus config and alert rules, the classic
# docker-compose for the compose file, dockerfile-utils for the Dockerfile,
# and JSON parsing for the Grafana files (the dashboard's metrics are
# checked against a live /metrics by tests/api/metrics_e2e.rs).
set -eu
cd "$(dirname "$0")/.."

promtool check config docker/prometheus/prometheus.yml
promtool check rules docker/prometheus/alerts.yml

# Required variables get placeholder values; the file itself is checked
# (services, healthchecks, `depends_on` conditions, mounts).
(cd docker && PUBLIC_HOST=voice.example.com JWT_SECRET=x ANNOUNCED_IP=203.0.113.10 \
    TURN_SECRET=x GRAFANA_ADMIN_PASSWORD=x docker-compose -f docker-compose.yml config -q)
echo "docker/docker-compose.yml: valid"
# Every variable the compose file requires is documented in .env.example.
for var in $(grep -o '${[A-Z_]*:?' docker/docker-compose.yml | tr -d '${:?' | sort -u); do
    grep -q "^$var=" docker/.env.example || { echo "docker/.env.example lacks $var" >&2; exit 1; }
done
echo "docker/.env.example: names every required variable"

tests/deploy/node_modules/.bin/dockerfile-utils lint docker/Dockerfile
echo "docker/Dockerfile: no lint problems"

for f in docker/grafana/dashboards/*.json; do
    python3 -m json.tool "$f" >/dev/null
    echo "$f: valid JSON"
done
