//! `pnl-voice`: serves voice rooms on embedded defaults, or as configured.

#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use pnl_voice::cluster;
use pnl_voice::config::Config;
use pnl_voice::keys;
use pnl_voice::server::Server;
use pnl_voice::server_api::Scope;
use pnl_voice::telemetry::logging;

/// Live voice rooms for prediction markets, on mediasoup.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// TOML configuration file (environment variables override it).
    #[arg(long, env = "PNL_VOICE_CONFIG")]
    config: Option<PathBuf>,
    /// Media settings file replacing the built-in mediasoup-config/media.toml.
    #[arg(long, env = "PNL_VOICE_MEDIA_CONFIG")]
    media_config: Option<PathBuf>,
    /// Log as JSON lines.
    #[arg(long, env = "PNL_VOICE_LOG_JSON")]
    log_json: bool,
    /// Check the configuration and exit.
    #[arg(long)]
    check_config: bool,
    /// Local development: no JWT secret needed (tokens are signed with a
    /// random key per start). Same as PNL_VOICE_DEV=1.
    #[arg(long)]
    dev: bool,
    /// Report panics and errors to Sentry at this DSN.
    #[arg(long, env = "SENTRY_DSN", hide_env_values = true)]
    sentry_dsn: Option<String>,
    #[command(subcommand)]
    command: Option<Mode>,
}

#[derive(clap::Subcommand)]
enum Mode {
    /// Run one single-worker node process per core on this host, sharing
    /// the Redis registry, and restart any that dies.
    Cluster {
        /// Node processes (default: CPU cores).
        #[arg(long)]
        processes: Option<usize>,
        /// Write the children's addresses to this file for Prometheus's
        /// file-based discovery (`file_sd_configs`), one target per child.
        #[arg(long, env = "PNL_VOICE_PROMETHEUS_TARGETS_FILE")]
        prometheus_targets: Option<PathBuf>,
    },
    /// Manage the API keys of market sites' backends (in the store this
    /// configuration names).
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
}

#[derive(clap::Subcommand)]
enum KeysAction {
    /// Create a key and print it once as `<key id>.<secret>`.
    Create {
        /// What the key is for (`market-site`).
        #[arg(long)]
        name: String,
        /// What it may do: tokens:mint, rooms:read, rooms:moderate (repeat
        /// for several).
        #[arg(long = "scope", required = true)]
        scopes: Vec<Scope>,
    },
    /// List every key (never a secret).
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: refused from the next request on.
    Revoke {
        /// The key's id (`pnlk_…`).
        id: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _sentry = logging::init(cli.log_json, cli.sentry_dsn.as_deref());
    let config = match Config::load(cli.config.as_deref(), cli.media_config.as_deref(), cli.dev) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("pnl-voice: {e}");
            return ExitCode::from(2);
        }
    };
    if cli.check_config {
        println!("configuration OK");
        return ExitCode::SUCCESS;
    }
    match cli.command {
        Some(Mode::Cluster {
            processes,
            prometheus_targets,
        }) => {
            return run_cluster(
                &cli.config,
                &cli.media_config,
                cli.log_json,
                &config,
                processes,
                prometheus_targets.as_deref(),
            )
        }
        Some(Mode::Keys { action }) => return run_keys(&config, action),
        None => {}
    }
    if config.media.announced_ip.is_none() && config.media.listen_ip.is_unspecified() {
        tracing::warn!(
            "MEDIASOUP_ANNOUNCED_IP not set: announcing 127.0.0.1 (only this machine can connect)"
        );
    }
    logging::tag_node(&config.node_id());
    let result = actix_web::rt::System::new().block_on(async move {
        let server = Server::start(config).await?;
        server.run().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pnl-voice: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `pnl-voice keys …`.
fn run_keys(config: &Config, action: KeysAction) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(async {
        match action {
            KeysAction::Create { name, scopes } => {
                let (record, key) = keys::create(config, &name, &scopes).await?;
                println!("{key}");
                eprintln!(
                    "created API key {} ({}) with {}: it is shown only now; keep it as a secret \
                     of the site's backend, never in a page",
                    record.id,
                    record.name,
                    record.scopes_text()
                );
                Ok(())
            }
            KeysAction::List { json } => {
                let listed = keys::list(config).await?;
                keys::print(&listed, json, &mut std::io::stdout().lock())
                    .map_err(|e| keys::KeysError::Usage(e.to_string()))
            }
            KeysAction::Revoke { id } => {
                keys::revoke(config, &id).await?;
                eprintln!("revoked API key {id}");
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pnl-voice keys: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `pnl-voice cluster`: supervises one node process per core, after
/// writing their Prometheus targets file when asked to.
fn run_cluster(
    config_file: &Option<PathBuf>,
    media_file: &Option<PathBuf>,
    log_json: bool,
    config: &Config,
    processes: Option<usize>,
    prometheus_targets: Option<&Path>,
) -> ExitCode {
    let plans = match cluster::plan(config, processes.unwrap_or_else(num_cpus::get)) {
        Ok(plans) => plans,
        Err(e) => {
            eprintln!("pnl-voice cluster: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(file) = prometheus_targets {
        if let Err(e) = cluster::prometheus::write_targets(file, &plans) {
            eprintln!(
                "pnl-voice cluster: cannot write the Prometheus targets file {}: {e}",
                file.display()
            );
            return ExitCode::from(2);
        }
    }
    let mut args = Vec::new();
    if let Some(file) = config_file {
        args.extend(["--config".into(), file.clone().into_os_string()]);
    }
    if let Some(file) = media_file {
        args.extend(["--media-config".into(), file.clone().into_os_string()]);
    }
    if log_json {
        args.push("--log-json".into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let supervisor = tokio::spawn(cluster::supervise(
            args,
            plans,
            stopped,
            // Each child turns not ready, waits its delay and shuts down.
            pnl_voice::server::shutdown_budget(config),
        ));
        wait_for_signal().await;
        tracing::info!("stopping the node processes");
        let _ = stop.send(true);
        let _ = supervisor.await;
    });
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("install SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
