//! Which libsrtp Janus runs on. Debian's janus links Debian's
//! `libsrtp2.so.1`, built on NSS (every SRTP packet through PKCS#11), while
//! our worker builds the same Debian source on OpenSSL; with
//! [`Srtp::OpenSsl`] Janus loads that source built on OpenSSL too
//! (`scripts/janus-srtp.sh`, through `LD_LIBRARY_PATH`), so the ratio
//! compares SFUs rather than crypto builds. Once Janus runs, its
//! `/proc/<pid>/maps` must show the library asked for.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Builds (once, cached outside the clone) and locates the OpenSSL build.
const BUILD_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/janus-srtp.sh");
/// The library Janus links.
const LIBRARY: &str = "libsrtp2.so.1";

/// Janus's SRTP backend.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Srtp {
    /// Debian's `libsrtp2.so.1`, on NSS.
    System,
    /// Debian's libsrtp2 source built on OpenSSL, as our worker's.
    OpenSsl,
}

impl Srtp {
    /// `PNL_BENCH_JANUS_SRTP`: `system`, `openssl` (the default) or both,
    /// comma-separated (`system,openssl`), each a Janus row of every step.
    pub fn from_env() -> Vec<Self> {
        let list = std::env::var("PNL_BENCH_JANUS_SRTP").unwrap_or_default();
        let backends: Vec<Self> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "system" => Self::System,
                "openssl" => Self::OpenSsl,
                _ => panic!("PNL_BENCH_JANUS_SRTP: `{s}` is neither `system` nor `openssl`"),
            })
            .collect();
        if backends.is_empty() {
            vec![Self::OpenSsl]
        } else {
            backends
        }
    }

    /// Its crypto library's name, for the report.
    pub fn crypto(self) -> &'static str {
        match self {
            Self::System => "NSS",
            Self::OpenSsl => "OpenSSL",
        }
    }

    /// The `LD_LIBRARY_PATH` Janus starts with: the OpenSSL build's folder
    /// ahead of `current`, or `current` unchanged.
    pub fn library_path(self, current: Option<&str>) -> Option<String> {
        match (self, current) {
            (Self::System, current) => current.map(str::to_owned),
            (Self::OpenSsl, None | Some("")) => Some(openssl_dir().display().to_string()),
            (Self::OpenSsl, Some(rest)) => Some(format!("{}:{rest}", openssl_dir().display())),
        }
    }

    /// Panics unless the running Janus `pid` maps the libsrtp of this
    /// backend: the OpenSSL build and no `libnss3`, or a `libsrtp2` from
    /// elsewhere with `libnss3`.
    pub fn check_mapped(self, pid: u32) {
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))
            .unwrap_or_else(|e| panic!("reading Janus's /proc/{pid}/maps: {e}"));
        let (srtp, nss) = mapped(&maps);
        let openssl = srtp
            .iter()
            .all(|path| Path::new(path).parent() == Some(openssl_dir()));
        let ok = srtp.len() == 1
            && match self {
                Self::OpenSsl => openssl && !nss,
                Self::System => !openssl && nss,
            };
        assert!(
            ok,
            "Janus was to run on libsrtp with {}, but maps libsrtp2 {srtp:?}, libnss3 {}",
            self.crypto(),
            if nss { "mapped" } else { "not mapped" }
        );
    }
}

/// The distinct `libsrtp2` files mapped in `maps` (`/proc/<pid>/maps`), and
/// whether any `libnss3` is.
fn mapped(maps: &str) -> (Vec<&str>, bool) {
    let files = || maps.lines().filter_map(|l| l.split_whitespace().nth(5));
    let named =
        |path: &str, prefix: &str| path.rsplit('/').next().unwrap_or(path).starts_with(prefix);
    let mut srtp: Vec<&str> = files().filter(|p| named(p, "libsrtp2")).collect();
    srtp.sort_unstable();
    srtp.dedup();
    (srtp, files().any(|p| named(p, "libnss3")))
}

/// The folder of the OpenSSL build, built on first use.
fn openssl_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Command::new(BUILD_SCRIPT)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("running {BUILD_SCRIPT}: {e}"));
        assert!(out.status.success(), "{BUILD_SCRIPT} failed");
        let dir = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
        assert!(
            dir.join(LIBRARY).is_file(),
            "no {LIBRARY} in {}",
            dir.display()
        );
        dir.canonicalize().unwrap()
    })
}
