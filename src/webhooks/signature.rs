//! Standard Webhooks signatures, as Anthropic signs its organization webhooks
//! (docs/webhooks.md, "Signatures"): HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.
//! {body}` with a `whsec_` secret, sent as `v1,<base64>` entries in `webhook-signature`,
//! and a timestamp within five minutes of now. Several secrets may be configured at once,
//! so that a secret can be rotated without refusing a delivery.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

/// How far a delivery's timestamp may be from now, either way.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

/// Why a delivery was refused. The text names no secret and no signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("missing webhook-id, webhook-timestamp or webhook-signature")]
    MissingHeaders,
    #[error("webhook-timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is more than five minutes old")]
    TooOld,
    #[error("webhook-timestamp is more than five minutes ahead")]
    TooNew,
    #[error("no signature matches")]
    NoMatchingSignature,
}

/// The signing secrets, each the raw HMAC key of a `whsec_…` value.
pub struct Secrets(Vec<SecretSlice<u8>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} configured)", self.0.len())
    }
}

impl Secrets {
    /// One or more secrets separated by spaces or commas, each `whsec_` + base64 (the
    /// prefix and the padding are optional, as in the Standard Webhooks libraries). The
    /// error never repeats a secret.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut secrets = Vec::new();
        for (n, one) in raw
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            let encoded = one.strip_prefix("whsec_").unwrap_or(one);
            let key = STANDARD
                .decode(encoded)
                .or_else(|_| STANDARD_NO_PAD.decode(encoded))
                .map_err(|_| {
                    format!("webhook secret {} is not whsec_ followed by base64", n + 1)
                })?;
            if key.is_empty() {
                return Err(format!("webhook secret {} is empty", n + 1));
            }
            secrets.push(SecretSlice::from(key));
        }
        if secrets.is_empty() {
            return Err("no webhook secret given".into());
        }
        Ok(Self(secrets))
    }

    /// How many secrets are configured (more than one while rotating; never none).
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// Checks one delivery: the headers as received, the body's exact bytes, and now in
    /// Unix seconds. Comparisons are constant-time (`Mac::verify_slice`).
    pub fn verify(
        &self,
        id: Option<&str>,
        timestamp: Option<&str>,
        signatures: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), Refusal> {
        let (Some(id), Some(timestamp), Some(signatures)) = (id, timestamp, signatures) else {
            return Err(Refusal::MissingHeaders);
        };
        let seconds = seconds(timestamp).ok_or(Refusal::BadTimestamp)?;
        if now - seconds > TOLERANCE_SECONDS {
            return Err(Refusal::TooOld);
        }
        if seconds - now > TOLERANCE_SECONDS {
            return Err(Refusal::TooNew);
        }
        let candidates: Vec<Vec<u8>> = signatures
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, signature)| STANDARD.decode(signature).ok())
            .collect();
        for secret in &self.0 {
            let mac = signer(secret.expose_secret(), id, seconds, body);
            if candidates
                .iter()
                .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
            {
                return Ok(());
            }
        }
        Err(Refusal::NoMatchingSignature)
    }
}

/// The timestamp as whole seconds; a fraction is dropped, as the libraries do.
fn seconds(raw: &str) -> Option<i64> {
    let whole = raw.trim().split('.').next()?;
    whole.parse().ok()
}

fn signer(key: &[u8], id: &str, seconds: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value for a delivery: what a sender computes (the emulator,
/// and tests).
pub fn sign(key: &[u8], id: &str, seconds: i64, body: &[u8]) -> String {
    let digest = signer(key, id, seconds, body).finalize().into_bytes();
    format!("v1,{}", STANDARD.encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// The Standard Webhooks reference vector.
    const REFERENCE: (&str, &str, &str, &str) = (
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        r#"{"test": 2432232314}"#,
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );

    /// An Anthropic-shaped event, signed by both Standard Webhooks libraries.
    const EVENT: (&str, &str, &str, &str) = (
        "whe_4f2a9c1e7b3d5a8f0e6c2b9d1a7f3e5c",
        "1792411200",
        r#"{"type":"event","id":"whe_4f2a9c1e7b3d5a8f0e6c2b9d1a7f3e5c","created_at":"2026-10-15T17:02:41Z","data":{"type":"user_profile.enforcement_action_opened","id":"uprof_011CZkZCu8hGbp5mYRQgUmz9","enforcement_action_id":"enac_011CZkZCu8hGbp5mYRQgUmz9","organization_id":"00000000-0000-0000-0000-000000000000"}}"#,
        "v1,PpqnrxmCUFsopjFB4JoxTptHNT2GNhGxHbAzeY5wPyE=",
    );

    fn check(
        secrets: &Secrets,
        (id, ts, body, sig): (&str, &str, &str, &str),
        now: i64,
    ) -> Result<(), Refusal> {
        secrets.verify(Some(id), Some(ts), Some(sig), body.as_bytes(), now)
    }

    #[test]
    fn the_published_vectors_verify() {
        let secrets = Secrets::parse(SECRET).unwrap();
        assert_eq!(check(&secrets, REFERENCE, 1614265330), Ok(()));
        assert_eq!(check(&secrets, EVENT, 1792411200), Ok(()));
        let key = STANDARD.decode(&SECRET[6..]).unwrap();
        assert_eq!(sign(&key, EVENT.0, 1792411200, EVENT.2.as_bytes()), EVENT.3);
    }

    #[test]
    fn a_tampered_body_id_or_timestamp_fails() {
        let secrets = Secrets::parse(SECRET).unwrap();
        let (id, ts, body, sig) = EVENT;
        let now = 1792411200;
        let spaced = format!("{body} ");
        assert_eq!(
            check(&secrets, (id, ts, &spaced, sig), now),
            Err(Refusal::NoMatchingSignature)
        );
        assert_eq!(
            check(&secrets, ("whe_other", ts, body, sig), now),
            Err(Refusal::NoMatchingSignature)
        );
        assert_eq!(
            check(&secrets, (id, "1792411201", body, sig), now),
            Err(Refusal::NoMatchingSignature)
        );
        let other = Secrets::parse("whsec_c2VjcmV0LW9mLWFub3RoZXItb3Jn").unwrap();
        assert_eq!(check(&other, EVENT, now), Err(Refusal::NoMatchingSignature));
        assert_eq!(
            secrets.verify(None, Some(ts), Some(sig), body.as_bytes(), now),
            Err(Refusal::MissingHeaders)
        );
        assert_eq!(
            check(&secrets, (id, "soon", body, sig), now),
            Err(Refusal::BadTimestamp)
        );
    }

    #[test]
    fn five_minutes_either_way_and_no_more() {
        let secrets = Secrets::parse(SECRET).unwrap();
        let ts = 1792411200;
        assert_eq!(check(&secrets, EVENT, ts + 299), Ok(()));
        assert_eq!(check(&secrets, EVENT, ts + 300), Ok(()));
        assert_eq!(check(&secrets, EVENT, ts + 301), Err(Refusal::TooOld));
        assert_eq!(check(&secrets, EVENT, ts - 301), Err(Refusal::TooNew));
        // A fraction is dropped, as the libraries read the header.
        let (id, _, body, sig) = EVENT;
        assert_eq!(check(&secrets, (id, "1792411200.7", body, sig), ts), Ok(()));
    }

    #[test]
    fn other_versions_and_malformed_entries_are_skipped_not_fatal() {
        let secrets = Secrets::parse(SECRET).unwrap();
        let (id, ts, body, sig) = EVENT;
        let listed = format!("v1,AAAA v2,{} garbage {sig}", &sig[3..]);
        assert_eq!(check(&secrets, (id, ts, body, &listed), 1792411200), Ok(()));
        let only_v2 = format!("v2,{}", &sig[3..]);
        assert_eq!(
            check(&secrets, (id, ts, body, &only_v2), 1792411200),
            Err(Refusal::NoMatchingSignature)
        );
    }

    #[test]
    fn during_a_rotation_either_secret_verifies() {
        let rotated = Secrets::parse(&format!("whsec_bmV3LXNlY3JldC1rZXk= , {SECRET}")).unwrap();
        assert_eq!(check(&rotated, EVENT, 1792411200), Ok(()));
        assert!(Secrets::parse("").is_err());
        assert!(Secrets::parse("whsec_").is_err());
        let refused = Secrets::parse("whsec_not base64!").unwrap_err();
        assert!(!refused.contains("base64!"), "{refused}");
        // Unpadded base64 works too.
        assert!(Secrets::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert_eq!(
            format!("{:?}", Secrets::parse(SECRET).unwrap()),
            "Secrets(1 configured)"
        );
    }
}
