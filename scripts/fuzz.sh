#!/bin/sh
# The fuzz targets of fuzz/ (cargo-fuzz, libFuzzer), on the stable toolchain.
#
#   scripts/fuzz.sh        build, then run each target for FUZZ_SECS seconds
#                          (default 30) from fuzz/seeds/<target> (messages of
#                          the contract) and fuzz/corpus/<target>, adding the
#                          inputs that reach new code to the corpus; fails if
#                          any crashed (the input is kept in
#                          fuzz/artifacts/<target>/)
#   scripts/fuzz.sh cmin   minimize each corpus before committing it: the
#                          fewest inputs that reach every branch it reaches
#
# cargo-fuzz is installed once, at a pinned version, into
# PNL_VOICE_CARGO_TOOLS (outside the clone, reused by later runs); the fuzz
# builds go to PNL_VOICE_FUZZ_TARGET, also outside the clone. The targets
# build on the core crate alone (no mediasoup worker): minutes, not an hour.
#
# `--sanitizer none` is what lets it run on stable: AddressSanitizer needs
# the nightly-only `-Zsanitizer`. The targets are safe Rust, so it would only
# add checks to the C code of dependencies; coverage-guided fuzzing and the
# targets' assertions work the same without it.
set -eu
cd "$(dirname "$0")/../fuzz"

CARGO_FUZZ_VERSION=0.13.2
TOOLS="${PNL_VOICE_CARGO_TOOLS:-/var/tmp/pnl-voice-cargo-tools}"
TARGET_DIR="${PNL_VOICE_FUZZ_TARGET:-/var/tmp/pnl-voice-fuzz-target}"
FUZZ_SECS="${FUZZ_SECS:-30}"

if [ "$("$TOOLS/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    env -u CARGO_TARGET_DIR cargo install --locked --root "$TOOLS" \
        --version "$CARGO_FUZZ_VERSION" cargo-fuzz
fi
fuzz() { "$TOOLS/bin/cargo-fuzz" "$@"; }
mode="${1:-run}"
case "$mode" in
run | cmin) ;;
*)
    echo "usage: scripts/fuzz.sh [run|cmin]" >&2
    exit 2
    ;;
esac
# Sixteen codegen units: a much faster build of the large dependency tree,
# for a little fuzzing speed.
flags="--sanitizer none --codegen-units 16 --target-dir $TARGET_DIR"

fuzz build $flags
failed=""
for target in $(fuzz list); do
    mkdir -p "corpus/$target"
    if [ "$mode" = cmin ]; then
        fuzz cmin $flags "$target" "corpus/$target" -- -set_cover_merge=1 -use_counters=0
        continue
    fi
    seeds=""
    if [ -d "seeds/$target" ]; then seeds="seeds/$target"; fi
    # libFuzzer options: the target's dictionary (contract words), if any.
    set --
    if [ -f "dicts/$target.dict" ]; then set -- -dict="dicts/$target.dict"; fi
    echo "fuzz: $target for ${FUZZ_SECS}s"
    fuzz run $flags "$target" "corpus/$target" $seeds -- \
        -max_total_time="$FUZZ_SECS" -print_final_stats=1 "$@" ||
        failed="$failed $target"
done
if [ -n "$failed" ]; then
    echo "fuzz: crashed:$failed (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
