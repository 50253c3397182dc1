//! Links Debian's system libraries into every binary and test of this package.
//!
//! `libmediasoup-worker.a` (built by mediasoup-sys) was compiled against the
//! system libraries through the shim subprojects of `scripts/worker-shims.sh`,
//! so it does not contain their code; libsrtp is the one library built into the
//! worker itself (from Debian's source, on OpenSSL), so it is not listed here.
//! The flags are passed as link *args*, not `rustc-link-lib`: link args come
//! after every rlib on the linker line, which GNU ld with `--as-needed` requires.
//!
//! It also names the git revision being built (`PNL_VOICE_REVISION`, for the
//! `voice_build_info` metric): taken from that variable when the build sets
//! it (an image built without `.git`), else from `git`, else `unknown`.

use std::process::Command;

const SYSTEM_LIBS: &[&str] = &[
    "openssl",
    "libuv",
    "liburing",
    "absl_flat_hash_map",
    "absl_flat_hash_set",
    "absl_btree",
    "absl_inlined_vector",
    "absl_memory",
    "absl_strings",
    "absl_optional",
    "absl_variant",
    "absl_span",
];

fn main() {
    let pkg_config = std::env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".into());
    let out = Command::new(pkg_config)
        .arg("--libs")
        .args(SYSTEM_LIBS)
        .output()
        .expect("pkg-config not found: run `make setup` (apt-get install pkg-config)");
    if !out.status.success() {
        panic!(
            "pkg-config --libs failed (run `make setup`): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let flags = String::from_utf8(out.stdout).expect("pkg-config printed non-UTF-8");
    for flag in flags.split_whitespace() {
        println!("cargo:rustc-link-arg={flag}");
    }
    revision();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
}

/// Sets `PNL_VOICE_REVISION` for the crate, and reruns when HEAD moves.
fn revision() {
    println!("cargo:rerun-if-env-changed=PNL_VOICE_REVISION");
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).ok())
            .flatten()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let revision = std::env::var("PNL_VOICE_REVISION")
        .ok()
        .filter(|r| !r.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=PNL_VOICE_REVISION={revision}");
    // HEAD names a branch whose ref file (or packed-refs) moves on commit.
    for path in ["HEAD", "packed-refs"]
        .into_iter()
        .filter_map(|p| git(&["rev-parse", "--git-path", p]))
        .chain(
            git(&["symbolic-ref", "-q", "HEAD"])
                .and_then(|r| git(&["rev-parse", "--git-path", &r])),
        )
    {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
