//! Webhook settings (`[webhooks]` in the TOML, `PNL_VOICE_WEBHOOK_*`):
//! where room events go and how hard the sender tries.

use serde::Deserialize;

/// Where and how webhook events are delivered.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookConfig {
    /// Receivers; every event goes to each (none: webhooks off).
    pub urls: Vec<String>,
    /// The HMAC-SHA256 key of `X-PNL-Signature`; required with `urls`.
    pub secret: Option<String>,
    /// Attempts per delivery before it is given up (kept, marked dead).
    pub max_attempts: u32,
    /// First pause after a failed attempt, in milliseconds; it doubles
    /// after each failure.
    pub retry_first_ms: u64,
    /// Longest pause between two attempts, in seconds.
    pub retry_max_secs: u64,
    /// Longest wait for a receiver's answer, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            urls: Vec::new(),
            secret: None,
            // With the default pauses (1 s doubling to 10 minutes), about
            // 3.5 hours of trying: a receiver's deploy or outage is covered.
            max_attempts: 30,
            retry_first_ms: 1000,
            retry_max_secs: 600,
            timeout_ms: 10_000,
        }
    }
}

impl WebhookConfig {
    /// Whether events are sent at all.
    pub fn enabled(&self) -> bool {
        !self.urls.is_empty()
    }

    /// A reason the settings cannot work, if there is one.
    pub fn problem(&self) -> Option<String> {
        if let Some(url) = self
            .urls
            .iter()
            .find(|u| !(u.starts_with("http://") || u.starts_with("https://")))
        {
            return Some(format!("webhook URL must be http(s)://…: {url}"));
        }
        if self.enabled() && self.secret.as_deref().is_none_or(|s| s.len() < 16) {
            return Some(
                "webhook URLs need a secret of at least 16 characters (PNL_VOICE_WEBHOOK_SECRET)"
                    .into(),
            );
        }
        if self.max_attempts == 0 || self.retry_first_ms == 0 || self.timeout_ms == 0 {
            return Some(
                "webhooks: max_attempts, retry_first_ms and timeout_ms must be positive".into(),
            );
        }
        None
    }
}
