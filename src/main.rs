//! `pnl-voice`: serves voice rooms on embedded defaults, or as configured.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pnl_voice::config::Config;
use pnl_voice::server::Server;
use tracing_subscriber::EnvFilter;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    if cli.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let config = match Config::load(cli.config.as_deref(), cli.media_config.as_deref()) {
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
    if config.media.announced_ip.is_none() && config.media.listen_ip.is_unspecified() {
        tracing::warn!(
            "MEDIASOUP_ANNOUNCED_IP not set: announcing 127.0.0.1 (only this machine can connect)"
        );
    }
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
