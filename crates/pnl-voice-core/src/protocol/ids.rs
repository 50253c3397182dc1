//! The ids of a member's media objects, one type each, so that a
//! producer's id cannot be passed where a transport's is meant.
//!
//! On the wire an id is a string (mediasoup's ids are UUIDs). An id is kept
//! as the text the client sent, not parsed here: a text that is no UUID
//! names no object, and the contract answers that with `NOT_FOUND` ("no
//! transport ..."), like any other unknown id, not with `BAD_REQUEST`. The
//! server turns an id into mediasoup's own type where it looks the object
//! up (`pnl_voice::media::wire`).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! media_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id's text, as sent or as announced.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The UUID this id names, if its text is one (else it names
            /// nothing the server created).
            pub fn uuid(&self) -> Option<uuid::Uuid> {
                uuid::Uuid::parse_str(&self.0).ok()
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(id: uuid::Uuid) -> Self {
                Self(id.to_string())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// TypeScript sees a `string`.
        impl ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;

            fn name(_: &ts_rs::Config) -> String {
                "string".to_owned()
            }

            fn inline(cfg: &ts_rs::Config) -> String {
                Self::name(cfg)
            }
        }
    )*};
}

media_id! {
    /// A WebRTC transport's id (`createTransport`'s `id`).
    TransportId;
    /// A producer's id (`produce`'s `id`, `voice:new_producer`).
    ProducerId;
    /// A consumer's id (`consume`'s `id`).
    ConsumerId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_on_the_wire() {
        let uuid = uuid::Uuid::from_u128(7);
        let id = ProducerId::from(uuid);
        assert_eq!(serde_json::to_value(&id).unwrap(), uuid.to_string());
        assert_eq!(id.uuid(), Some(uuid));
        let sent: TransportId = serde_json::from_value("not-a-uuid".into()).unwrap();
        assert_eq!(sent.as_str(), "not-a-uuid");
        assert_eq!(sent.uuid(), None, "names nothing, so NOT_FOUND later");
        assert!(serde_json::from_value::<ConsumerId>(5.into()).is_err());
    }
}
