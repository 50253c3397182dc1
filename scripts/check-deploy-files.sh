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

# Required variables get placeholder values; the file itself is checked.
(cd docker && PUBLIC_URL=https://voice.example.com JWT_SECRET=x ANNOUNCED_IP=203.0.113.10 \
    TURN_SECRET=x GRAFANA_ADMIN_PASSWORD=x docker-compose -f docker-compose.yml config -q)
echo "docker/docker-compose.yml: valid"

tests/deploy/node_modules/.bin/dockerfile-utils lint docker/Dockerfile
echo "docker/Dockerfile: no lint problems"

# Caddy logs its info lines on stderr: shown only when the file is refused.
caddy_out=$(PUBLIC_HOST=voice.example.com caddy validate --config docker/caddy/Caddyfile --adapter caddyfile 2>&1) || { echo "$caddy_out"; exit 1; }
echo "docker/caddy/Caddyfile: valid"

for f in docker/grafana/dashboards/*.json; do
    python3 -m json.tool "$f" >/dev/null
    echo "$f: valid JSON"
done
