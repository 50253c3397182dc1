#!/bin/sh
# Installs kubernetes-validate from PyPI, pinned, into the test virtualenv at
# $1 (created by scripts/mongo-wire-server.sh). It bundles the Kubernetes
# JSON schemas, so scripts/check-deploy-files.sh validates the manifests of
# deploy/kubernetes without a cluster or network. Idempotent and quiet when
# it is there.
set -eu
VENV="$1"
VERSION="1.37.0"

if [ "$("$VENV/bin/kubernetes-validate" --version 2>/dev/null)" = "$VERSION" ]; then
    exit 0
fi
if [ ! -x "$VENV/bin/pip" ]; then
    echo "setup: no virtualenv at $VENV (scripts/mongo-wire-server.sh creates it)" >&2
    exit 1
fi
echo "setup: installing kubernetes-validate==$VERSION into $VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$VERSION"
