//! A webhook receiver on loopback: records every delivery (its signature
//! header and body) and answers 200. It can be stopped and started again
//! on the same port, keeping what it received, to play a receiver outage.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// `X-PNL-Signature`, if sent.
    pub signature: Option<String>,
    /// The body, as sent.
    pub body: String,
}

impl Delivered {
    /// The body as JSON.
    pub fn event(&self) -> Value {
        serde_json::from_str(&self.body).expect("a webhook body is JSON")
    }
}

type Log = Arc<Mutex<Vec<Delivered>>>;

/// The receiver; stopped when dropped.
pub struct WebhookReceiver {
    port: u16,
    log: Log,
    running: Option<Running>,
}

struct Running {
    system: actix_web::rt::System,
    thread: std::thread::JoinHandle<()>,
}

impl WebhookReceiver {
    /// A receiver on a free loopback port, listening.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut receiver = Self::stopped(port);
        receiver.listen();
        receiver
    }

    /// A receiver for `port` that does not listen yet (the outage first).
    pub fn stopped(port: u16) -> Self {
        Self {
            port,
            log: Log::default(),
            running: None,
        }
    }

    /// The URL to configure as the webhook.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/voice", self.port)
    }

    /// Starts listening (again) on its port.
    pub fn listen(&mut self) {
        assert!(self.running.is_none(), "already listening");
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let log = self.log.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(web::Data::new(log.clone()))
                        .route("/hooks/voice", web::post().to(receive))
                })
                .workers(1)
                .bind(addr)
                .expect("the receiver's port is free");
                actix_web::rt::spawn(server.run());
                tx.send(actix_web::rt::System::current()).unwrap();
            });
            system.run().unwrap();
        });
        let system = rx.recv().expect("the receiver starts");
        self.running = Some(Running { system, thread });
    }

    /// Stops listening: deliveries fail until [`WebhookReceiver::listen`].
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.system.stop();
            let _ = running.thread.join();
        }
    }

    /// Everything received so far, in order of arrival.
    pub fn received(&self) -> Vec<Delivered> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (bounded) until `done` holds for what was received; returns it.
    pub async fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&[Delivered]) -> bool,
    ) -> Vec<Delivered> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if done(&received) || Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, log: web::Data<Log>) -> HttpResponse {
    let signature = req
        .headers()
        .get("x-pnl-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    log.lock().unwrap().push(Delivered {
        signature,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    HttpResponse::Ok().finish()
}
