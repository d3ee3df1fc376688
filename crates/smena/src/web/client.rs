//! The address a request comes from, for throttling. Behind a reverse
//! proxy every request arrives from the proxy, so its `X-Forwarded-For` is
//! believed, but only when the connection comes from a proxy the operator
//! named (`--trusted-proxy`): anyone else could write the header and slip
//! past the per-address limit by inventing addresses.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::AppState;
use super::error::AppError;

/// The client's IP address as far as it can be trusted.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no connection info")))?;
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientIp(client_ip(
            peer,
            &forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

/// Walks the proxies back from the connection's peer: the first address
/// that is not a trusted proxy is the client. A malformed entry ends the
/// walk at the last trusted hop (it cannot be believed, nor anything left
/// of it).
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    if !trusted.contains(&client) {
        return client;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let proxy = [ip("10.0.0.1")];
        assert_eq!(
            client_ip(ip("203.0.113.9"), &["198.51.100.1"], &proxy),
            ip("203.0.113.9"),
            "a direct client cannot name another address"
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["198.51.100.1"], &proxy),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &[], &proxy),
            ip("10.0.0.1"),
            "no header: the proxy itself"
        );
    }

    #[test]
    fn forged_entries_left_of_the_client_are_ignored() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The client wrote 1.2.3.4 itself; the outer proxy appended the
        // real address, the inner one the outer proxy's.
        assert_eq!(
            client_ip(
                ip("10.0.0.1"),
                &["1.2.3.4, 198.51.100.7", "10.0.0.2"],
                &proxies
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["1.2.3.4, not-an-address"], &proxies),
            ip("10.0.0.1"),
            "garbage stops the walk at the last trusted hop"
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["2001:db8::5"], &proxies),
            ip("2001:db8::5")
        );
    }
}
