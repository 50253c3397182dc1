//! HTTP surface: REST, the WebSocket upgrade, health and the web client.

mod api_key;
mod auth;
mod body_timeout;
pub use pnl_voice_core::rest as bodies;
mod client_ip;
mod embed;
mod envelope;
mod forward;
mod health;
pub mod openapi;
mod origin;
mod preview;
mod records;
mod replies;
mod rest_limit;
mod server_api;
mod voice;
mod ws;

pub use crate::protocol::{PreviewHost, RoomPreview};
pub use envelope::{json_config, ok, query_config, HttpError};
pub use rest_limit::RestLimit;

use std::sync::Arc;

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::{guard, middleware, web};

use crate::app::App;

/// Registers every route on an actix `App`; `rest_limit` (one per node,
/// shared by its HTTP workers) bounds each address's calls to `/api`.
pub fn configure(app: Arc<App>, rest_limit: RestLimit) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let static_dir = app.config.static_dir.clone();
        let index = static_dir.join("index.html");
        cfg.app_data(web::Data::from(app.clone()))
            .app_data(json_config(app.config.limits.rest_max_body_bytes))
            .app_data(query_config())
            .service(
                // Before `/api`, which would take these paths. No CORS and
                // no per-address limit: a site's backend calls from one
                // address on behalf of all its users, and no page may call.
                web::scope("/api/server")
                    .wrap(middleware::from_fn(body_timeout::bound))
                    .route("/tokens", web::post().to(server_api::mint))
                    .route("/rooms", web::get().to(server_api::rooms))
                    .route(
                        "/rooms/{market}/participants",
                        web::get().to(server_api::participants),
                    )
                    .route("/rooms/{market}/stats", web::get().to(server_api::stats))
                    .route(
                        "/rooms/{market}/debates",
                        web::get().to(server_api::debates),
                    )
                    .route(
                        "/rooms/{market}/moderate",
                        web::post().to(server_api::moderate),
                    ),
            )
            .service(
                web::scope("/api")
                    .wrap(origin::cors(&app))
                    .wrap(middleware::from_fn(origin::refuse_foreign))
                    .wrap(middleware::from_fn(body_timeout::bound))
                    .wrap(rest_limit.middleware())
                    .route("/auth/challenge", web::post().to(auth::challenge))
                    .route("/auth/verify", web::post().to(auth::verify))
                    .route("/voice/join", web::post().to(voice::join))
                    .route("/voice/leave", web::post().to(voice::leave))
                    .route("/voice/participants", web::get().to(voice::participants))
                    .route("/voice/mute", web::post().to(voice::mute))
                    .route("/voice/moderate", web::post().to(voice::moderate))
                    .route("/voice/settings", web::post().to(voice::settings))
                    .route("/voice/debate", web::post().to(voice::debate))
                    .route("/voice/report", web::post().to(voice::report))
                    .route("/voice/rooms", web::get().to(voice::rooms))
                    .route("/voice/preview", web::get().to(preview::preview))
                    .route("/voice/stats", web::get().to(records::stats))
                    .route("/voice/history", web::get().to(records::history))
                    .route("/voice/me/data", web::get().to(records::export))
                    .route("/voice/me/data", web::delete().to(records::erase))
                    .route("/embed/config", web::get().to(embed::config))
                    .route("/openapi.json", web::get().to(openapi::document)),
            )
            .route("/ws", web::get().to(ws::upgrade))
            .route("/health", web::get().to(health::health))
            .route("/health/live", web::get().to(health::live))
            .route("/health/ready", web::get().to(health::ready))
            .route("/metrics", web::get().to(health::metrics))
            .route("/", get_or_head().to(page(index.clone())))
            .route("/rooms/{market}", get_or_head().to(page(index.clone())))
            .route("/rooms/{market}/", get_or_head().to(page(index)))
            .route(
                "/style.css",
                get_or_head().to(page(static_dir.join("style.css"))),
            )
            .service(
                web::scope("/dist")
                    .wrap(shareable_scripts())
                    .service(Files::new("", static_dir.join("dist"))),
            );
    }
}

/// A route answering GET and HEAD.
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Headers of the bundles in `dist/`: other sites load `embed.js` with a
/// plain `<script src>` (no CORS needed), and a site isolated with
/// `Cross-Origin-Embedder-Policy: require-corp` loads it only when the
/// response says it may be used cross-origin.
fn shareable_scripts() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new().add(("Cross-Origin-Resource-Policy", "cross-origin"))
}

/// The security headers of every response. The content policy lets the web
/// client load only its own files, talk only to its own origin and to
/// signaling sockets (`workerUrl` may name another node), and be framed
/// only by this server's pages and the allowed origins (the market site).
pub fn security_headers(app: &App) -> middleware::DefaultHeaders {
    let mut ancestors = vec!["'self'".to_string()];
    ancestors.extend(app.config.allowed_origins.iter().cloned());
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self' ws: wss:; media-src 'self' blob:; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors {}",
        ancestors.join(" ")
    );
    let mut headers = middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", policy))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Permissions-Policy",
            "microphone=(self), camera=(), geolocation=(), payment=()",
        ));
    if app.public_url.starts_with("https://") {
        headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    headers
}

/// A handler serving one file of the web client. Only the page, its style
/// sheet and the bundle in `dist/` are served, never the rest of `static/`.
fn page(
    path: PathBuf,
) -> impl Fn() -> futures_util::future::BoxFuture<'static, std::io::Result<NamedFile>> + Clone {
    move || {
        let path = path.clone();
        Box::pin(async move { NamedFile::open_async(path).await })
    }
}
