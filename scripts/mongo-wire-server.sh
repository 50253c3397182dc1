#!/bin/sh
# Installs the MongoDB-wire server the store tests run the MongoDB store
# against (mongod is not in Debian): SecantusDB from PyPI, pinned, in a
# virtualenv at $1. A test server only; never linked or shipped.
# Idempotent and quiet when it is there.
set -eu
VENV="$1"
PACKAGE="secantusdb==0.7.0b3"

if "$VENV/bin/python" -c "import secantus" >/dev/null 2>&1; then
    exit 0
fi
if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
fi
echo "setup: installing $PACKAGE into $VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$PACKAGE"
