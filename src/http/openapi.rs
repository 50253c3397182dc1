//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the REST API,
//! `docs/openapi.json` compiled in (tests/api/openapi.rs checks it against the
//! real endpoints).

use actix_web::HttpResponse;

/// The document's text.
pub const DOCUMENT: &str = include_str!("../../docs/openapi.json");

/// Serves [`DOCUMENT`].
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT)
}
