//! A bound on how long a REST request's body may take to arrive: a client
//! that trickles its body (a byte a second) would otherwise hold a
//! connection and a worker's extractor as long as it likes. Past the
//! bound the body ends in an error, the request is answered
//! `400 BAD_REQUEST` and the connection is closed.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::HttpMessage;
use futures_util::Stream;
use tokio::time::Sleep;

use crate::app::App;

/// The message a body that did not arrive in time ends with.
pub const TOO_SLOW: &str = "the request body did not arrive in time";

/// Middleware of the `/api` scope: the request's body must arrive within
/// `limits.request_timeout_ms` of the request.
pub async fn bound(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(app) = req.app_data::<web::Data<App>>() {
        let within = Duration::from_millis(app.config.limits.request_timeout_ms);
        let body = Deadline {
            body: req.take_payload(),
            deadline: Box::pin(tokio::time::sleep(within)),
            expired: false,
        };
        req.set_payload(Payload::from(
            Box::pin(body) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
        ));
    }
    next.call(req).await
}

/// A body that fails once its deadline passes.
struct Deadline {
    body: Payload,
    deadline: Pin<Box<Sleep>>,
    expired: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.body).poll_next(cx) {
            return Poll::Ready(item);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.expired = true;
                let error = io::Error::new(io::ErrorKind::TimedOut, TOO_SLOW);
                Poll::Ready(Some(Err(PayloadError::Io(error))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
