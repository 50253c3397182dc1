#!/bin/sh
# Checks the deployment files with the tools that run here (no Docker
# engine): promtool for the Prometheus config, alert rules and their unit
# tests, amtool for the Alertmanager config, the classic
# docker-compose for the compose file, dockerfile-utils for the Dockerfile,
# and Grafana's dashboard schema for the dashboards (the dashboard's metrics
# are checked against a live /metrics by tests/api/metrics_e2e.rs).
set -eu
cd "$(dirname "$0")/.."

promtool check config docker/prometheus/prometheus.yml
promtool check rules docker/prometheus/alerts.yml
promtool test rules docker/prometheus/tests/alerts_test.yml
scripts/check-alert-runbooks.py docker/prometheus/alerts.yml \
    docker/prometheus/tests/alerts_test.yml docs/operations.md
amtool check-config docker/alertmanager/alertmanager.yml

# The recording rules that give the seed's metric names back, and their unit tests.
promtool check rules docker/prometheus/recording.yml
promtool test rules docker/prometheus/tests/recording_test.yml

# Required variables get placeholder values; the file itself is checked.
(cd docker && PUBLIC_URL=https://voice.example.com JWT_SECRET=x ANNOUNCED_IP=203.0.113.10 \
    TURN_SECRET=x GRAFANA_ADMIN_PASSWORD=x docker-compose -f docker-compose.yml config -q)
echo "docker/docker-compose.yml: valid"

tests/deploy/node_modules/.bin/dockerfile-utils lint docker/Dockerfile
echo "docker/Dockerfile: no lint problems"

# Caddy logs its info lines on stderr: shown only when the file is refused.
caddy_out=$(PUBLIC_HOST=voice.example.com caddy validate --config docker/caddy/Caddyfile --adapter caddyfile 2>&1) || { echo "$caddy_out"; exit 1; }
echo "docker/caddy/Caddyfile: valid"

# The dashboards against Grafana's dashboard schema (@grafana/schema, with
# TypeScript), and their queries through promtool's PromQL parser.
node tests/deploy/check-dashboards.mjs docker/grafana/dashboards/*.json
