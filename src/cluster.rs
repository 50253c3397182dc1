//! One node process per core on one host (`pnl-voice cluster`): in the
//! pinned mediasoup a worker is a thread of its process, so a worker that
//! aborts takes the process down; running one single-worker node per core
//! confines such a crash to that node's rooms. The children share the Redis
//! registry; a child that dies is started again. Prometheus finds the
//! children through a targets file ([`prometheus`]).

pub mod prometheus;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::watch;

use crate::config::Config;

/// How one child differs from the parent's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildPlan {
    /// Position among the children.
    pub index: usize,
    /// Its HTTP (and `/metrics`) address.
    pub http_listen: SocketAddr,
    /// Its node id in the registry.
    pub node_id: String,
    /// Environment variables set for it (over the parent's).
    pub env: Vec<(String, String)>,
}

/// The children of a cluster of `processes` nodes: consecutive HTTP ports
/// from the configured one, one worker each, the RTC port range split
/// between them, node ids `{base}-{index}`. `public_url` may hold `{port}`.
pub fn plan(config: &Config, processes: usize) -> Result<Vec<ChildPlan>, String> {
    if processes == 0 {
        return Err("--processes must be at least 1".into());
    }
    if config.redis_url.is_none() {
        return Err("cluster mode needs REDIS_URL: the nodes share rooms through Redis".into());
    }
    let (min, max) = (
        u32::from(config.media.rtc_min_port),
        u32::from(config.media.rtc_max_port),
    );
    let span = (max - min + 1) / processes as u32;
    if span < 2 {
        return Err(format!(
            "the RTC port range {min}-{max} is too small for {processes} processes"
        ));
    }
    let base_port = config.http_listen.port();
    if usize::from(base_port) + processes > usize::from(u16::MAX) {
        return Err("HTTP ports would pass 65535".into());
    }
    let base_id = config.node_id.clone().unwrap_or_else(|| {
        hostname::get()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "node".into())
    });
    Ok((0..processes)
        .map(|index| {
            let port = base_port + index as u16;
            let http_listen = SocketAddr::new(config.http_listen.ip(), port);
            let node_id = format!("{base_id}-{index}");
            let rtc_min = min + index as u32 * span;
            let mut env = vec![
                ("PNL_VOICE_HTTP_LISTEN".into(), http_listen.to_string()),
                ("PNL_VOICE_WORKERS".into(), "1".into()),
                ("PNL_VOICE_NODE_ID".into(), node_id.clone()),
                ("MEDIASOUP_RTC_MIN_PORT".into(), rtc_min.to_string()),
                (
                    "MEDIASOUP_RTC_MAX_PORT".into(),
                    (rtc_min + span - 1).to_string(),
                ),
            ];
            if config.dev {
                env.push(("PNL_VOICE_DEV".into(), "1".into()));
            }
            if let Some(url) = &config.public_url {
                env.push((
                    "PNL_VOICE_PUBLIC_URL".into(),
                    url.replace("{port}", &port.to_string()),
                ));
            }
            if let Some(server_port) = config.media.webrtc_server_port {
                env.push((
                    "MEDIASOUP_WEBRTC_SERVER_PORT".into(),
                    (server_port + index as u16).to_string(),
                ));
            }
            ChildPlan {
                index,
                http_listen,
                node_id,
                env,
            }
        })
        .collect())
}

/// Runs the children of `plans` (this executable with `args`), restarting
/// any that exits, until `shutdown` turns true; then stops them with
/// SIGTERM (SIGKILL after `grace`).
pub async fn supervise(
    args: Vec<OsString>,
    plans: Vec<ChildPlan>,
    shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("pnl-voice"));
    let tasks: Vec<_> = plans
        .into_iter()
        .map(|plan| {
            tokio::spawn(keep_running(
                exe.clone(),
                args.clone(),
                plan,
                shutdown.clone(),
                grace,
            ))
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

async fn keep_running(
    exe: PathBuf,
    args: Vec<OsString>,
    plan: ChildPlan,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let mut delay = Duration::from_millis(500);
    while !*shutdown.borrow() {
        let mut command = Command::new(&exe);
        command
            .args(&args)
            .envs(plan.env.iter().cloned())
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                tracing::error!(child = plan.index, error = %e, "cannot start a node process");
                tokio::time::sleep(delay).await;
                continue;
            }
        };
        tracing::info!(child = plan.index, pid = child.id(), "node process started");
        let started = tokio::time::Instant::now();
        tokio::select! {
            status = child.wait() => {
                tracing::error!(child = plan.index, ?status, "node process exited; restarting");
                delay = if started.elapsed() > Duration::from_secs(30) {
                    Duration::from_millis(500)
                } else {
                    (delay * 2).min(Duration::from_secs(10))
                };
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.changed() => {}
                }
            }
            _ = shutdown.changed() => {
                if let Some(pid) = child.id() {
                    // SAFETY: sending a signal to a child process we own.
                    unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
                }
                if tokio::time::timeout(grace, child.wait()).await.is_err() {
                    let _ = child.kill().await;
                }
                tracing::info!(child = plan.index, "node process stopped");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            http_listen: "127.0.0.1:4000".parse().unwrap(),
            redis_url: Some("redis://127.0.0.1:6379".into()),
            node_id: Some("host".into()),
            public_url: Some("https://voice.example:{port}".into()),
            ..Config::default()
        }
    }

    fn env(plan: &ChildPlan, name: &str) -> String {
        plan.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    }

    #[test]
    fn children_get_their_own_port_worker_id_and_rtc_range() {
        let plans = plan(&config(), 2).unwrap();
        assert_eq!(plans.len(), 2);
        assert_eq!(env(&plans[0], "PNL_VOICE_HTTP_LISTEN"), "127.0.0.1:4000");
        assert_eq!(env(&plans[1], "PNL_VOICE_HTTP_LISTEN"), "127.0.0.1:4001");
        assert_eq!(env(&plans[1], "PNL_VOICE_WORKERS"), "1");
        assert_eq!(env(&plans[1], "PNL_VOICE_NODE_ID"), "host-1");
        assert_eq!(plans[1].node_id, "host-1");
        assert_eq!(plans[1].http_listen, "127.0.0.1:4001".parse().unwrap());
        assert_eq!(
            env(&plans[1], "PNL_VOICE_PUBLIC_URL"),
            "https://voice.example:4001"
        );
        assert_eq!(
            (
                env(&plans[0], "MEDIASOUP_RTC_MIN_PORT"),
                env(&plans[0], "MEDIASOUP_RTC_MAX_PORT")
            ),
            ("40000".into(), "40049".into())
        );
        assert_eq!(
            (
                env(&plans[1], "MEDIASOUP_RTC_MIN_PORT"),
                env(&plans[1], "MEDIASOUP_RTC_MAX_PORT")
            ),
            ("40050".into(), "40099".into())
        );
    }

    #[test]
    fn a_cluster_needs_redis_and_room_to_split() {
        let mut c = config();
        c.redis_url = None;
        assert!(plan(&c, 2).unwrap_err().contains("REDIS_URL"));
        assert!(plan(&config(), 0).is_err());
        assert!(plan(&config(), 100).unwrap_err().contains("too small"));
    }
}
