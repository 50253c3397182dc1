#!/bin/sh
# Unpacks Debian's libsrtp2 2.5.0 source package (`apt-get source`, Debian's
# patches applied) once into PNL_VOICE_SRC_CACHE (default /var/tmp/pnl-voice-src,
# outside the clone) and prints its folder. Both OpenSSL builds of it start
# here: the worker's (scripts/worker-shims.sh) and Janus's (scripts/janus-srtp.sh).
# apt needs a deb-src entry: scripts/deb-src.sh, run by `make setup`. Idempotent.
set -eu

cache="${PNL_VOICE_SRC_CACHE:-/var/tmp/pnl-voice-src}"
srtp="$cache/libsrtp2-2.5.0"
if [ ! -f "$srtp/meson.build" ]; then
    mkdir -p "$cache"
    fetch="$(mktemp -d "$cache/.fetch.XXXXXX")"
    # apt's note that root downloads unsandboxed is noise: shown on failure only.
    (cd "$fetch" && apt-get source -qq libsrtp2 >"$fetch.log" 2>&1) || {
        cat "$fetch.log" >&2
        echo "srtp-source: apt-get source libsrtp2 failed (run scripts/deb-src.sh as root)" >&2
        exit 1
    }
    [ -f "$fetch/libsrtp2-2.5.0/meson.build" ] || {
        echo "srtp-source: Debian's libsrtp2 source is not 2.5.0: $(ls "$fetch")" >&2
        exit 1
    }
    mv "$fetch/libsrtp2-2.5.0" "$srtp"
    rm -rf "$fetch" "$fetch.log"
fi
echo "$srtp"
