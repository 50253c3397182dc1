#!/bin/sh
# Lets `apt-get source` reach Debian's source packages (the worker's libsrtp is
# built from Debian's libsrtp2 source, see scripts/worker-shims.sh): when apt
# knows no source for libsrtp2, adds a deb-src entry for the Debian archive the
# machine already uses, with the same key (apt refuses two entries for one
# archive that name different keys), and updates the lists. Idempotent.
set -eu

apt-cache showsrc libsrtp2 2>/dev/null | grep -q '^Package:' && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# The first entry of the machine's main Debian archive (deb822 .sources files,
# then one-line lists), as "URI SUITE SIGNED-BY".
found="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
    /^[[:space:]]*$/ { if (u != "" && s != "") { print u, s, k; exit } u = ""; s = ""; k = ""; next }
    /^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) u = $i }
    /^Suites:/ { s = $2 }
    /^Signed-By:/ { k = $2 }
    END { if (u != "" && s != "") print u, s, k }' | head -n 1)"
if [ -z "$found" ]; then
    found="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '
        $1 == "deb" {
            k = ""; i = 2
            if ($2 ~ /^\[/) { for (; i <= NF; i++) { if ($i ~ /signed-by=/) { k = $i; sub(/.*signed-by=/, "", k); sub(/\]$/, "", k) } if ($i ~ /\]$/) { i++; break } } }
            if ($i ~ /\/debian\/?$/) { print $i, $(i + 1), k; exit }
        }')"
fi
[ -n "$found" ] || found="http://deb.debian.org/debian bookworm"
set -- $found
{
    echo "Types: deb-src"
    echo "URIs: $1"
    echo "Suites: $2"
    echo "Components: main"
    [ -z "${3:-}" ] || echo "Signed-By: $3"
} | $SUDO tee /etc/apt/sources.list.d/pnl-voice-src.sources >/dev/null
echo "deb-src: added $1 $2 main"
$SUDO apt-get update -qq
