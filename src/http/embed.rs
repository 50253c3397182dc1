//! `GET /api/embed/config`: what the room page needs to know when another
//! site frames it. The page runs the wallet bridge (the host page's wallet
//! signs the sign-in challenge over `postMessage`) only with a parent whose
//! origin is listed here, the same origins the `frame-ancestors` policy lets
//! frame it (`PNL_VOICE_ALLOWED_ORIGINS`).

use actix_web::{web, HttpResponse};

use super::envelope::{cacheable, ok};
use super::replies::EmbedConfig;
use crate::app::App;

/// How long the list may be reused, in seconds.
const MAX_AGE_SECS: u32 = 60;

/// The origins allowed to frame rooms and use the wallet bridge.
pub async fn config(app: web::Data<App>) -> HttpResponse {
    cacheable(
        ok(EmbedConfig {
            allowed_origins: &app.config.allowed_origins,
        }),
        MAX_AGE_SECS,
    )
}
