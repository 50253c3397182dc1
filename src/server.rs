//! Binding, starting and stopping a node.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, HttpServer};

use crate::app::App;
use crate::config::Config;
use crate::http;

/// Longest wait for the store on shutdown.
const SHUTDOWN_FLUSH: Duration = Duration::from_secs(10);
/// Longest wait for open connections to finish on shutdown, in seconds.
const SHUTDOWN_GRACE_SECS: u64 = 5;

/// The longest a node takes from SIGTERM/SIGINT to its exit with `config`:
/// the shutdown delay, then [`App::shut_down`] (rooms 3 s, sockets 3 s,
/// store 10 s, the registry's last call) and open connections (5 s); 27 s
/// with the defaults. Orchestrators wait at least this long before they
/// kill the process (docs/operations.md, "Health").
pub fn shutdown_budget(config: &Config) -> Duration {
    Duration::from_secs(config.shutdown_delay_secs)
        + App::shut_down_bound(config, SHUTDOWN_FLUSH)
        + Duration::from_secs(SHUTDOWN_GRACE_SECS)
}

/// A node that is listening.
pub struct Server {
    /// The application state (for tests and ops hooks).
    pub app: Arc<App>,
    /// The bound HTTP address.
    pub addr: SocketAddr,
    server: actix_web::dev::Server,
}

impl Server {
    /// Binds the HTTP listener, starts the mediasoup workers and builds the
    /// HTTP server. Must run inside an actix (tokio) runtime.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.http_listen)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Handle::current();
        let app = App::start(config, addr, runtime)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let http_workers = app.config.worker_count().clamp(1, 4);
        let shared = app.clone();
        let rest_limit = http::RestLimit::new(&app.config.limits);
        forget_idle_limits(app.clone(), rest_limit.clone());
        let request_timeout = Duration::from_millis(app.config.limits.request_timeout_ms);
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .wrap(http::security_headers(&shared))
                .configure(http::configure(shared.clone(), rest_limit.clone()))
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(http::HttpError(
                        crate::error::ApiError::not_found("no such route"),
                    ))
                }))
        })
        .workers(http_workers)
        // Signaling is small request/reply frames: no Nagle delay.
        .tcp_nodelay(true)
        // A client sends its request's head within the bound (a slow
        // body is cut by `http::body_timeout`).
        .client_request_timeout(request_timeout)
        .client_disconnect_timeout(Duration::from_secs(1))
        .shutdown_timeout(SHUTDOWN_GRACE_SECS)
        .disable_signals()
        .listen(listener)?
        .run();
        tracing::info!(%addr, node = %app.node_id, url = %app.public_url, "listening");
        Ok(Self { app, addr, server })
    }

    /// A handle that stops the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped or until SIGINT/SIGTERM. On the first signal
    /// the node turns not ready at once (`/health/ready` 503, the
    /// registry told) and keeps serving everything for
    /// `shutdown_delay_secs`, so that load balancers stop sending it new
    /// clients first; a second signal ends the delay. Then it shuts down.
    pub async fn run(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        // Kept alive (not dropped by `select!`) while the node shuts down:
        // dropping it would cut every connection at once.
        let server = self.server;
        tokio::pin!(server);
        let mut signals = StopSignals::install()?;
        tokio::select! {
            result = &mut server => return result,
            _ = signals.next() => {}
        }
        let delay = Duration::from_secs(self.app.config.shutdown_delay_secs);
        self.app.hub.start_draining();
        crate::telemetry::set_ready(false);
        tracing::info!(
            ?delay,
            "stop signal: not ready, serving until the delay ends"
        );
        tokio::select! {
            result = &mut server => return result,
            _ = tokio::time::sleep(delay) => {}
            _ = signals.next() => tracing::info!("second stop signal: the delay ends now"),
        }
        tracing::info!("shutting down");
        self.app.shut_down(SHUTDOWN_FLUSH).await;
        // The server future handles the stop command, so both run together.
        let (_, result) = tokio::join!(handle.stop(true), server);
        tracing::info!("stopped");
        result
    }
}

/// How often the per-address and per-wallet limiters forget the keys
/// whose buckets are full again.
const FORGET_IDLE_EVERY: Duration = Duration::from_secs(60);

/// Starts the task that keeps the limiters' memory to recent clients.
fn forget_idle_limits(app: Arc<App>, rest_limit: http::RestLimit) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FORGET_IDLE_EVERY);
        loop {
            every.tick().await;
            rest_limit.forget_idle();
            app.signaling.actions.forget_idle();
        }
    });
}

/// SIGINT and SIGTERM, listened to from the start so that none is missed
/// between the first and the second.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The next SIGINT or SIGTERM.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A node running on its own thread and runtime (for tests and embedding).
pub struct Background {
    /// The application state.
    pub app: Arc<App>,
    /// The bound HTTP address.
    pub addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Starts a node with `config` on a new thread.
    pub fn spawn(config: Config) -> std::io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("pnl-voice".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    match Server::start(config).await {
                        Ok(server) => {
                            let _ = tx.send(Ok((server.app.clone(), server.addr, server.handle())));
                            let _ = server.server.await;
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                })
            })?;
        let (app, addr, handle) = rx
            .recv()
            .map_err(|_| std::io::Error::other("server thread ended during start"))??;
        Ok(Self {
            app,
            addr,
            handle,
            thread: Some(thread),
        })
    }

    /// `http://addr`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the node and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(thread) = self.thread.take() {
            let handle = self.handle.clone();
            std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(handle.stop(false));
            })
            .join()
            .ok();
            thread.join().ok();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.shutdown();
    }
}
