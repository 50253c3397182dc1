//! The Prometheus targets file of a cluster: one scrape target per child,
//! in the format of Prometheus's file-based discovery (`file_sd_configs`),
//! so every child is scraped (and alerted on) on its own, labelled with its
//! node id. Written once at start: it describes the configured children,
//! so a child that stays down is reported by `VoiceNodeDown`.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

use serde_json::json;

use super::ChildPlan;

/// The file's content: `[{"targets":["127.0.0.1:3001"],"labels":{"node":"host-0"}}, …]`,
/// one group per child so each carries its own `node` label. A child
/// listening on every address (`0.0.0.0`, `::`) is scraped on loopback, as
/// Prometheus reads the file on the same host.
pub fn targets_json(plans: &[ChildPlan]) -> String {
    let groups: Vec<_> = plans
        .iter()
        .map(|plan| {
            json!({
                "targets": [scrape_address(plan.http_listen).to_string()],
                "labels": { "node": plan.node_id },
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&groups).expect("JSON of strings");
    text.push('\n');
    text
}

fn scrape_address(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// Writes [`targets_json`] to `path` atomically: into a hidden temporary
/// file of the same folder, then renamed over `path`, so Prometheus (which
/// watches the folder) never reads half a file, and the temporary name
/// matches no `*.json` pattern.
pub fn write_targets(path: &Path, plans: &[ChildPlan]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the targets file needs a file name"))?;
    let temporary = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(targets_json(plans).as_bytes())?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&temporary);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(index: usize, listen: &str) -> ChildPlan {
        ChildPlan {
            index,
            http_listen: listen.parse().unwrap(),
            node_id: format!("host-{index}"),
            env: Vec::new(),
        }
    }

    #[test]
    fn one_target_per_child_labelled_with_its_node_id() {
        let text = targets_json(&[child(0, "127.0.0.1:3001"), child(1, "10.0.0.5:3002")]);
        let groups: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            groups,
            json!([
                {"targets": ["127.0.0.1:3001"], "labels": {"node": "host-0"}},
                {"targets": ["10.0.0.5:3002"], "labels": {"node": "host-1"}},
            ])
        );
    }

    #[test]
    fn children_on_every_address_are_scraped_on_loopback() {
        let text = targets_json(&[child(0, "0.0.0.0:3001"), child(1, "[::]:3002")]);
        let groups: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(groups[0]["targets"], json!(["127.0.0.1:3001"]));
        assert_eq!(groups[1]["targets"], json!(["[::1]:3002"]));
    }

    #[test]
    fn no_children_is_an_empty_list() {
        assert_eq!(targets_json(&[]).trim(), "[]");
    }

    #[test]
    fn the_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = std::env::temp_dir().join(format!("pnl-voice-sd-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("voice-cluster.json");
        std::fs::write(&path, "stale").unwrap();
        write_targets(&path, &[child(0, "127.0.0.1:3001")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            targets_json(&[child(0, "127.0.0.1:3001")])
        );
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("voice-cluster.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
