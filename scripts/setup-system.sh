#!/bin/sh
# Installs the Debian packages the build and the server need, if any is
# missing, and lets apt fetch the libsrtp2 source package the worker builds
# (scripts/deb-src.sh); with the argument `test`, also what the tests need (redis-server,
# Chromium, coturn, and promtool and docker-compose to check the deployment
# files); with `peer`, Janus for the side-by-side benchmark. Idempotent and
# quiet when everything is there.
set -eu

PACKAGES="build-essential pkg-config python3 python3-venv dpkg-dev libssl-dev libuv1-dev \
libabsl-dev liburing-dev nodejs npm"
if [ "${1:-}" = "test" ]; then
    PACKAGES="$PACKAGES redis-server chromium coturn prometheus docker-compose"
    # Alertmanager: run by the alert test of tests/cluster; amtool checks its config.
    PACKAGES="$PACKAGES prometheus-alertmanager"
    # Caddy (the HTTPS proxy the browser test starts) and certutil (its test CA into Chromium's NSS store).
    PACKAGES="$PACKAGES caddy libnss3-tools"
fi
if [ "${1:-}" = "peer" ]; then
    PACKAGES="$PACKAGES janus"
fi

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm may come from outside Debian (nvm, the machine image).
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing="$(echo "$missing" | sed 's/ nodejs//; s/ npm//')"
fi
# python3 may be a pyenv one with pip; mediasoup's build only needs `python3 -m pip`.
if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    missing="$(echo "$missing" | sed 's/ python3-venv//; s/ python3\b//')"
fi
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
    echo "setup: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
"$(dirname "$0")/deb-src.sh"
