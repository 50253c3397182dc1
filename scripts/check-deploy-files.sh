#!/bin/sh
# Checks the deployment files with the tools that run here (no Docker
# engine): promtool for the Prometheus config, alert rules and their unit
# tests, amtool for the Alertmanager config, the classic
# docker-compose for the compose file, dockerfile-utils for the Dockerfile,
# Grafana's dashboard schema for the dashboards (the dashboard's metrics
# are checked against a live /metrics by tests/api/metrics_e2e.rs), Caddy
# for the Caddyfiles, and kubernetes-validate (PyPI, in the virtualenv at
# $PYENV) for the Kubernetes manifests.
set -eu
cd "$(dirname "$0")/.."

promtool check config docker/prometheus/prometheus.yml
promtool check rules docker/prometheus/alerts.yml
promtool test rules docker/prometheus/tests/alerts_test.yml
scripts/check-alert-runbooks.py docker/prometheus/alerts.yml \
    docker/prometheus/tests/alerts_test.yml docs/operations.md
amtool check-config docker/alertmanager/alertmanager.yml

# The recording rules that give the earlier metric names back, and their unit tests.
promtool check rules docker/prometheus/recording.yml
promtool test rules docker/prometheus/tests/recording_test.yml

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

# Caddy logs its info lines on stderr: shown only when the file is refused.
caddy_out=$(PUBLIC_HOST=voice.example.com caddy validate --config docker/caddy/Caddyfile --adapter caddyfile 2>&1) || { echo "$caddy_out"; exit 1; }
echo "docker/caddy/Caddyfile: valid"

# The dashboards against Grafana's dashboard schema (@grafana/schema, with
# TypeScript), and their queries through promtool's PromQL parser.
node tests/deploy/check-dashboards.mjs docker/grafana/dashboards/*.json

# The Kubernetes manifests against the bundled schemas (no cluster, no
# network) with unknown fields refused, for the oldest Kubernetes they need
# (1.29: the native sidecar) and the newest the validator knows.
# kustomization.yaml is kustomize's own kind, not a Kubernetes resource: it
# is checked to list every manifest but the example Secret instead.
KUBERNETES_VALIDATE="${PYENV:-/var/tmp/pnl-voice-pyenv}/bin/kubernetes-validate"
if [ ! -x "$KUBERNETES_VALIDATE" ]; then
    echo "kubernetes-validate not found at $KUBERNETES_VALIDATE: run make test-deps" >&2
    exit 1
fi
manifests="$(ls deploy/kubernetes/*.yaml | grep -v '/kustomization.yaml$')"
for version in 1.29.0 1.37.0; do
    # shellcheck disable=SC2086 # one argument per manifest
    "$KUBERNETES_VALIDATE" --strict --quiet --kubernetes-version "$version" $manifests
done
for f in $manifests; do
    name="$(basename "$f")"
    [ "$name" = secret.example.yaml ] && continue
    grep -q "^  - $name\$" deploy/kubernetes/kustomization.yaml \
        || { echo "deploy/kubernetes/kustomization.yaml does not list $name" >&2; exit 1; }
done
echo "deploy/kubernetes: valid against Kubernetes 1.29 and 1.37, all in kustomization.yaml"
# The Caddyfile of the voice pods' sidecar, taken out of its ConfigMap.
command -v caddy >/dev/null || { echo "caddy not found: run make test-deps" >&2; exit 1; }
sidecar="$(mktemp -d)"
trap 'rm -rf "$sidecar"' EXIT
"${PYENV:-/var/tmp/pnl-voice-pyenv}/bin/python" -c 'import sys, yaml
sys.stdout.write(yaml.safe_load(open(sys.argv[1]))["data"]["Caddyfile"])' \
    deploy/kubernetes/caddy-config.yaml >"$sidecar/Caddyfile"
if ! PUBLIC_HOST=voice.example.com caddy validate --adapter caddyfile \
    --config "$sidecar/Caddyfile" >"$sidecar/out" 2>&1; then
    cat "$sidecar/out" >&2
    exit 1
fi
echo "deploy/kubernetes/caddy-config.yaml: valid Caddyfile"
