//! `PROFILES_AUTH=proxy`: a single-sign-on proxy in front (oauth2-proxy, nginx
//! `auth_request`, …) has signed the user in and names them and their groups in request
//! headers. Those headers are believed only from the configured proxy addresses; the same
//! headers from anywhere else are a forgery and the request is refused (docs/security.md, "Behind an SSO proxy").

use crate::auth::Role;
use axum::http::{HeaderMap, HeaderName};
use std::net::IpAddr;

/// Addresses of the reverse proxies in front of the console.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

impl TrustedProxies {
    pub fn trusts(&self, peer: Option<IpAddr>) -> bool {
        peer.is_some_and(|p| self.0.contains(&p))
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the last
    /// address that proxy appended to `X-Forwarded-For` (earlier entries are the
    /// client's own claims and may be forged).
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        if !self.trusts(peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .next_back()
            .or(peer)
    }
}

/// Where the proxy puts the user and their groups, and which groups hold which role.
#[derive(Debug, Clone)]
pub struct ProxyAuth {
    pub user_header: HeaderName,
    pub groups_header: HeaderName,
    /// `(role, group)`: membership of `group` grants `role`; the highest one wins.
    pub groups: Vec<(Role, String)>,
}

/// Why a request has no user (in any mode; the proxy mode can tell all three apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Identity headers from an address that is not a trusted proxy.
    Forged,
    /// No user header from the proxy: it did not sign anyone in.
    Anonymous,
    /// A signed-in user in none of the configured groups.
    NoRole(String),
}

/// Longest user name believed from the proxy.
const MAX_USER: usize = 256;

impl ProxyAuth {
    /// The user and role the proxy vouches for.
    pub fn identify(
        &self,
        trusted: &TrustedProxies,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
    ) -> Result<(String, Role), Refusal> {
        if !trusted.trusts(peer) {
            let claims = headers.contains_key(&self.user_header)
                || headers.contains_key(&self.groups_header);
            return Err(if claims {
                Refusal::Forged
            } else {
                Refusal::Anonymous
            });
        }
        let user = headers
            .get(&self.user_header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|u| !u.is_empty() && u.len() <= MAX_USER)
            .ok_or(Refusal::Anonymous)?;
        let groups: Vec<&str> = headers
            .get_all(&self.groups_header)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        self.groups
            .iter()
            .filter(|(_, group)| groups.contains(&group.as_str()))
            .map(|(role, _)| *role)
            .max()
            .map(|role| (user.to_owned(), role))
            .ok_or_else(|| Refusal::NoRole(user.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy() -> (ProxyAuth, TrustedProxies) {
        (
            ProxyAuth {
                user_header: HeaderName::from_static("x-forwarded-user"),
                groups_header: HeaderName::from_static("x-forwarded-groups"),
                groups: vec![
                    (Role::Viewer, "support".into()),
                    (Role::Editor, "leads".into()),
                    (Role::Admin, "platform".into()),
                ],
            },
            TrustedProxies(vec!["10.0.0.2".parse().unwrap()]),
        )
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_proxy_names_the_user_and_the_highest_group_wins() {
        let (auth, trusted) = proxy();
        let from_proxy = Some("10.0.0.2".parse().unwrap());
        let h = headers(&[
            ("x-forwarded-user", "ana@example.com"),
            ("x-forwarded-groups", "staff, support,leads"),
        ]);
        assert_eq!(
            auth.identify(&trusted, from_proxy, &h),
            Ok(("ana@example.com".into(), Role::Editor))
        );
        let outsider = headers(&[("x-forwarded-user", "bo"), ("x-forwarded-groups", "staff")]);
        assert_eq!(
            auth.identify(&trusted, from_proxy, &outsider),
            Err(Refusal::NoRole("bo".into()))
        );
        assert_eq!(
            auth.identify(&trusted, from_proxy, &HeaderMap::new()),
            Err(Refusal::Anonymous)
        );
    }

    #[test]
    fn identity_headers_from_anywhere_else_are_forgeries() {
        let (auth, trusted) = proxy();
        let elsewhere = Some("10.0.0.3".parse().unwrap());
        let h = headers(&[
            ("x-forwarded-user", "mallory"),
            ("x-forwarded-groups", "platform"),
        ]);
        assert_eq!(auth.identify(&trusted, elsewhere, &h), Err(Refusal::Forged));
        assert_eq!(auth.identify(&trusted, None, &h), Err(Refusal::Forged));
        assert_eq!(
            auth.identify(&trusted, elsewhere, &HeaderMap::new()),
            Err(Refusal::Anonymous)
        );
    }

    #[test]
    fn the_client_address_comes_from_the_trusted_proxy_only() {
        let (_, trusted) = proxy();
        let h = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]);
        let direct: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(trusted.client(Some(direct), &h), Some(direct));
        assert_eq!(
            trusted.client(Some("10.0.0.2".parse().unwrap()), &h),
            Some("198.51.100.7".parse().unwrap())
        );
    }
}
