//! Per-address limits on the REST API (`/api/*`): a token bucket per
//! client address (`actix-governor`), keyed by the address `client_ip`
//! finds (the proxy's, when it is trusted). Past it, `429 RATE_LIMITED` in
//! the contract's envelope with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::governor::NotUntil;
use actix_governor::{Governor, GovernorConfig, GovernorConfigBuilder, KeyExtractor};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::RETRY_AFTER;
use actix_web::middleware::Condition;
use actix_web::{web, HttpResponse, HttpResponseBuilder};
use serde_json::json;

use super::client_ip::client_ip;
use crate::app::App;
use crate::config::Limits;
use crate::error::ApiError;

/// The REST limiter of a node, shared by its HTTP workers (clones share
/// the buckets).
#[derive(Clone)]
pub struct RestLimit {
    config: GovernorConfig<ClientKey, NoOpMiddleware<QuantaInstant>>,
    enabled: bool,
}

impl RestLimit {
    /// The limiter `limits` ask for (off when `rest_requests_per_sec` is 0).
    pub fn new(limits: &Limits) -> Self {
        let rate = limits.rest_requests_per_sec;
        let config = GovernorConfigBuilder::default()
            .period(Duration::from_secs(1) / rate.max(1))
            .burst_size(limits.rest_burst.max(1))
            .key_extractor(ClientKey)
            .finish()
            .expect("a positive period and burst");
        Self {
            config,
            enabled: rate > 0,
        }
    }

    /// Forgets the addresses whose bucket is full again (called now and
    /// then, so idle addresses cost nothing).
    pub fn forget_idle(&self) {
        let limiter = self.config.limiter();
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }

    /// The middleware of the `/api` scope.
    pub fn middleware(&self) -> Condition<Governor<ClientKey, NoOpMiddleware<QuantaInstant>>> {
        Condition::new(self.enabled, Governor::new(&self.config))
    }
}

/// The bucket's key: the client's address; an IPv6 client by its /64,
/// since one host commonly holds a whole /64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientKey;

impl KeyExtractor for ClientKey {
    type Key = IpAddr;
    type KeyExtractionError = super::HttpError;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        let ip = req
            .app_data::<web::Data<App>>()
            .and_then(|app| client_ip(app, req.request()))
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6((u128::from(v6) & !0u128 << 64).into()),
            },
            v4 => v4,
        })
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        mut response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative.wait_time_from(DefaultClock::default().now());
        let secs = crate::error::whole_secs(wait);
        let error = ApiError::rate_limited(
            format!(
                "too many requests from this address; try again in {}",
                crate::error::in_words(chrono::Duration::seconds(secs as i64))
            ),
            wait,
        );
        crate::error_log::refused(&error, "REST");
        response
            .insert_header((RETRY_AFTER, secs))
            .json(json!({ "success": false, "error": error }))
    }
}
