#!/bin/sh
# Builds Debian's libsrtp2 2.5.0 (scripts/srtp-source.sh) as a shared library
# on OpenSSL for Janus, and prints the folder holding its libsrtp2.so.1.
#
# Debian's janus links Debian's libsrtp2.so.1, which is built on NSS (every
# SRTP packet through PKCS#11); our worker builds the same source on OpenSSL.
# So that the side-by-side bench compares SFUs rather than crypto builds,
# benches/janus/process.rs starts Janus with LD_LIBRARY_PATH on this folder.
# The build is Debian's own (debian/rules: autotools, the same configure
# options and compiler flags through dpkg-buildflags) with --enable-openssl
# in place of --enable-nss: only the crypto backend differs.
#
# Output in PNL_VOICE_SRC_CACHE (default /var/tmp/pnl-voice-src), outside the
# clone. Idempotent: built again only when the Debian revision or this
# recipe changes. Build log on stderr on failure only.
set -eu

src="$("$(dirname "$0")/srtp-source.sh")"
out="$(dirname "$src")/libsrtp-openssl"
configure="--disable-stdout --enable-syslog --disable-debug --enable-openssl"
stamp="$(head -n 1 "$src/debian/changelog") $configure"
if [ -f "$out/lib/libsrtp2.so.1" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$out/lib"
    exit 0
fi

build="$(mktemp -d "${TMPDIR:-/tmp}/pnl-voice-srtp.XXXXXX")"
trap 'rm -rf "$build"' EXIT
cp -R "$src/." "$build"
(
    cd "$build"
    # debian/rules' flags: -O2 replaced by its stronger set, -D_REENTRANT.
    eval "$(DEB_CFLAGS_MAINT_STRIP=-O2 \
        DEB_CFLAGS_MAINT_APPEND='-D_REENTRANT -O4 -fexpensive-optimizations -funroll-loops' \
        dpkg-buildflags --export=sh)"
    # shellcheck disable=SC2086 # the options are words
    ./configure --prefix=/usr $configure
    make -j"$(nproc)" shared_library
) >"$build/log" 2>&1 || {
    cat "$build/log" >&2
    echo "janus-srtp: building libsrtp2 on OpenSSL failed" >&2
    exit 1
}
# Built on OpenSSL, and on nothing of NSS.
if ! readelf -d "$build/libsrtp2.so.1" | grep -q 'NEEDED.*libcrypto' \
    || readelf -d "$build/libsrtp2.so.1" | grep -q 'NEEDED.*libnss'; then
    echo "janus-srtp: $build/libsrtp2.so.1 is not linked to OpenSSL alone" >&2
    exit 1
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp/lib"
cp "$build/libsrtp2.so.1" "$out.tmp/lib/"
echo "$stamp" >"$out.tmp/stamp"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out/lib"
