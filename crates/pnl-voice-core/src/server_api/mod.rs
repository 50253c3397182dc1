//! The server-to-server API of a market site's backend: API keys and their
//! scopes, the bodies of `/api/server/*`, and (from the wire contract)
//! signed webhook events (docs/server-api.md). Pure: the store keeps the
//! keys, the HTTP layer checks them, the webhook sender signs and posts.

mod bodies;
mod keys;

pub use crate::protocol::{
    sign, signature_header, verify, SignatureError, WebhookEvent, WebhookEventType,
    SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECS,
};
pub use bodies::{
    MintToken, MintTokenBody, ServerModerate, ServerModerateBody, MAX_TOKEN_TTL_SECS,
};
pub use keys::{ApiKeySecret, KeyFormatError, Scope, ScopeError};

#[cfg(test)]
mod tests;
