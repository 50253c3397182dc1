//! The address of the client behind a request.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;

use crate::app::App;

/// The client's IP address: the TCP peer, or, when the server runs behind
/// a proxy it trusts (`trust_proxy_headers`), the address that proxy put
/// in `Forwarded` / `X-Forwarded-For`.
pub fn client_ip(app: &App, req: &HttpRequest) -> Option<IpAddr> {
    if app.config.trust_proxy_headers {
        let info = req.connection_info();
        if let Some(addr) = info.realip_remote_addr() {
            return parse(addr);
        }
    }
    req.peer_addr().map(|a| a.ip())
}

/// `1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:5678`.
fn parse(addr: &str) -> Option<IpAddr> {
    let addr = addr.trim();
    addr.parse::<IpAddr>()
        .ok()
        .or_else(|| addr.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn addresses_parse_with_or_without_a_port() {
        for (text, ip) in [
            ("192.0.2.1", "192.0.2.1"),
            ("192.0.2.1:443", "192.0.2.1"),
            ("::1", "::1"),
            ("[2001:db8::1]:80", "2001:db8::1"),
        ] {
            assert_eq!(parse(text), Some(ip.parse().unwrap()), "{text}");
        }
        assert_eq!(parse("unknown"), None);
    }
}
