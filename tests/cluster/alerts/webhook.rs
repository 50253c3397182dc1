//! A webhook receiver on loopback standing in for the operators' one: it
//! keeps every alert Alertmanager posts (the `alerts` of each notification).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::Value;

/// Alerts received so far, in arrival order.
type Received = Arc<Mutex<Vec<Value>>>;

/// The receiver; stopped when dropped.
pub struct Webhook {
    addr: SocketAddr,
    received: Received,
    system: actix_web::rt::System,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Webhook {
    /// Listens on a free loopback port, on a thread of its own.
    pub fn start() -> Self {
        let received = Received::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = received.clone();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(web::Data::new(shared.clone()))
                        .route("/alerts", web::post().to(receive))
                })
                .workers(1)
                .bind(("127.0.0.1", 0))
                .expect("a loopback port");
                let addr = server.addrs()[0];
                actix_web::rt::spawn(server.run());
                tx.send((addr, actix_web::rt::System::current())).unwrap();
            });
            system.run().unwrap();
        });
        let (addr, system) = rx.recv().expect("the webhook receiver starts");
        Self {
            addr,
            received,
            system,
            thread: Some(thread),
        }
    }

    /// Its URL, for Alertmanager's `webhook_configs`.
    pub fn url(&self) -> String {
        format!("http://{}/alerts", self.addr)
    }

    /// Every alert received so far.
    pub fn alerts(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }
}

async fn receive(body: web::Bytes, received: web::Data<Received>) -> HttpResponse {
    let Ok(notification) = serde_json::from_slice::<Value>(&body) else {
        return HttpResponse::BadRequest().finish();
    };
    if let Some(alerts) = notification["alerts"].as_array() {
        received.lock().unwrap().extend(alerts.iter().cloned());
    }
    HttpResponse::Ok().finish()
}

impl Drop for Webhook {
    fn drop(&mut self) {
        self.system.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
