//! Logs through `tracing` (text or JSON lines, filtered by `RUST_LOG`) and,
//! when a DSN is given, error reporting to Sentry: panics and error-level
//! events become Sentry events tagged with the node and the room; warnings
//! and info lines ride along as breadcrumbs. No request bodies, tokens or
//! keys are ever put in a log line, so none reach Sentry either.

use std::sync::Arc;

use sentry::integrations::tracing::EventFilter;
use sentry::protocol::{Event, Value};
use tracing::Level;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Starts logging (and Sentry when `sentry_dsn` is set). Keep the returned
/// guard alive until exit: dropping it flushes what Sentry has queued.
pub fn init(json: bool, sentry_dsn: Option<&str>) -> Option<sentry::ClientInitGuard> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let guard = sentry_dsn.filter(|d| !d.trim().is_empty()).map(|dsn| {
        sentry::init((
            dsn,
            sentry::ClientOptions {
                release: sentry::release_name!(),
                send_default_pii: false,
                before_send: Some(Arc::new(|event| Some(tag_room(event)))),
                ..Default::default()
            },
        ))
    });
    let sentry_layer = guard.as_ref().map(|_| {
        sentry::integrations::tracing::layer().event_filter(|meta| match *meta.level() {
            Level::ERROR => EventFilter::Event,
            Level::WARN | Level::INFO => EventFilter::Breadcrumb,
            _ => EventFilter::Ignore,
        })
    });
    let output = if json {
        tracing_subscriber::fmt::layer().json().boxed()
    } else {
        tracing_subscriber::fmt::layer().boxed()
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(output)
        .with(sentry_layer)
        .init();
    guard
}

/// Tags every Sentry event with this node's id.
pub fn tag_node(node_id: &str) {
    sentry::configure_scope(|scope| scope.set_tag("node", node_id));
}

/// Lifts the `room` field of the log line into a tag, for grouping.
fn tag_room(mut event: Event<'static>) -> Event<'static> {
    let room = event
        .contexts
        .get("Rust Tracing Fields")
        .and_then(|c| match c {
            sentry::protocol::Context::Other(fields) => fields.get("room").cloned(),
            _ => None,
        });
    if let Some(Value::String(room)) = room {
        event.tags.insert("room".into(), room);
    }
    event
}
