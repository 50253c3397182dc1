#!/bin/sh
# Writes meson "shim" subprojects into the fetched mediasoup-sys 0.6.0 crate so
# that its C++ worker builds over Debian's system libraries with no download:
# meson uses a subproject folder that already holds a meson.build instead of
# fetching the wrap. Each shim hands back the system library (pkg-config) as the
# `*_dep` mediasoup's meson.build expects, and an empty static library where it
# expects one to `link_whole`; build.rs links the real libraries.
#
# libsrtp is the exception: Debian's libsrtp2 is built on NSS, whose PKCS#11
# path cost about 28% of the server's CPU (one PK11_Encrypt per packet). Its
# subproject is Debian's own libsrtp2 source package instead (`apt-get source`,
# cached in PNL_VOICE_SRC_CACHE outside the clone), which mediasoup's meson.build
# configures with crypto-library=openssl and links whole into the worker.
#
# Usage: scripts/worker-shims.sh [path/to/mediasoup-sys-0.6.0]
# Without a path, the crate is located with `cargo metadata` (after a fetch).
# Idempotent: files are only written when their content changes. Cargo never
# looks for changes in a registry crate, so when a subproject did change, the
# worker built over the old one is removed from the cargo target folder (and
# the fuzz builds' folder, PNL_VOICE_FUZZ_TARGET) to be built again.
set -eu

ms="${1:-}"
if [ -z "$ms" ]; then
    cargo fetch --quiet
    ms="$(cargo metadata --format-version 1 | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "mediasoup-sys":
        print(os.path.dirname(p["manifest_path"]))
')"
fi
sp="$ms/subprojects"
[ -f "$sp/libuv.wrap" ] || { echo "worker-shims: not a mediasoup-sys tree: $ms" >&2; exit 1; }

# put FILE: write stdin to FILE unless FILE already holds exactly that.
put() {
    mkdir -p "$(dirname "$1")"
    tmp="$1.tmp.$$"
    cat > "$tmp"
    if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; changed=1; fi
}
changed=0
# empty DIR: the empty C file the placeholder static libraries compile.
empty() { printf '' | put "$sp/$1/shim.c"; }

empty openssl-3.0.8
put "$sp/openssl-3.0.8/meson.build" <<'M'
project('openssl', 'c', version: '3.0.8')
libcrypto_dep = dependency('libcrypto')
libssl_dep = dependency('libssl')
openssl_dep = dependency('openssl')
libcrypto_lib = static_library('crypto_shim', 'shim.c')
libssl_lib = static_library('ssl_shim', 'shim.c')
M

put "$sp/nlohmann_json-3.10.5/meson.build" <<'M'
project('nlohmann_json', 'cpp', version: '3.10.5')
nlohmann_json_dep = dependency('nlohmann_json')
M

empty libuv-v1.44.2
put "$sp/libuv-v1.44.2/meson.build" <<'M'
project('libuv', 'c', version: '1.44.2')
libuv_dep = dependency('libuv')
libuv = static_library('uv_shim', 'shim.c')
M
put "$sp/libuv-v1.44.2/meson_options.txt" <<'M'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
M

# libsrtp: Debian's source package, unpacked once into the cache
# (scripts/srtp-source.sh), then copied whole into the subproject folder
# unless the same Debian revision is already there.
srtp="$("$(dirname "$0")/srtp-source.sh")"
if ! cmp -s "$srtp/debian/changelog" "$sp/libsrtp-2.5.0/debian/changelog"; then
    rm -rf "$sp/libsrtp-2.5.0" "$sp/libsrtp-2.5.0.tmp"
    cp -R "$srtp" "$sp/libsrtp-2.5.0.tmp"
    mv "$sp/libsrtp-2.5.0.tmp" "$sp/libsrtp-2.5.0"
    changed=1
fi

usrsctp=usrsctp-4e06feb01cadcd127d119486b98a4bd3d64aa1e7
empty "$usrsctp"
put "$sp/$usrsctp/meson.build" <<'M'
project('usrsctp', 'c', version: '0.9.5.0')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('usrsctp_shim', 'shim.c')
M
put "$sp/$usrsctp/meson_options.txt" <<'M'
option('sctp_build_programs', type: 'boolean', value: false)
M

empty abseil-cpp-20220623.0
put "$sp/abseil-cpp-20220623.0/meson.build" <<'M'
project('abseil-cpp', ['c', 'cpp'], version: '20220623.0')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'),
  dependency('absl_btree'),
  dependency('absl_inlined_vector'),
  dependency('absl_memory'),
])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [
  dependency('absl_optional'),
  dependency('absl_variant'),
  dependency('absl_span'),
])
absl_container_lib = static_library('absl_container_shim', 'shim.c')
M

put "$sp/Catch2-2.13.7/meson.build" <<'M'
project('catch2', 'cpp', version: '2.13.7')
catch2_dep = declare_dependency()
M

# stale DIR: forget the worker built in cargo target folder DIR (every profile
# and target triple), so that cargo builds it again over the new subprojects.
stale() {
    [ -d "$1" ] || return 0
    find "$1" -maxdepth 4 -type d \( -path '*/.fingerprint/mediasoup-sys-*' \
        -o -path '*/build/mediasoup-sys-*' \) -prune -exec rm -rf {} +
}
if [ "$changed" = 1 ]; then
    stale "${CARGO_TARGET_DIR:-$(dirname "$0")/../target}"
    stale "${PNL_VOICE_FUZZ_TARGET:-/var/tmp/pnl-voice-fuzz-target}"
    echo "worker-shims: subprojects changed, the worker will be built again"
fi
echo "worker-shims: ready in $sp"
