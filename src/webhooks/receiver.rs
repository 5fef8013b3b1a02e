//! What receiving needs, kept apart from the handler so that the application state can
//! hold it without importing the routes that read that state.

use super::deliveries::Deliveries;
use super::signature::Secrets;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Signed deliveries taken per second, with bursts up to [`BURST`]: far above what one
/// organization's profile events come to, low enough that a flood cannot starve the
/// console or its API quota.
const PER_SECOND: u32 = 20;
/// The same bound holds, apart, for posts that fail verification: forged traffic spends
/// its own allowance and never the one Anthropic's deliveries are taken under.
const BURST: u32 = 100;

/// What receiving needs: the secrets, the record of deliveries seen, and two rate limits,
/// one for what is signed and one for what is not.
#[derive(Clone)]
pub struct Receiver {
    pub(super) secrets: Arc<Secrets>,
    pub(super) deliveries: Deliveries,
    /// Verified deliveries.
    pub(super) signed: Arc<DefaultDirectRateLimiter>,
    /// Posts refused by the signature check: answered 401 within this bound, 429 past it.
    pub(super) unsigned: Arc<DefaultDirectRateLimiter>,
}

impl Receiver {
    pub fn new(secrets: Secrets, db: &crate::db::Database) -> Self {
        let quota = Quota::per_second(NonZeroU32::new(PER_SECOND).expect("non-zero"))
            .allow_burst(NonZeroU32::new(BURST).expect("non-zero"));
        Self {
            secrets: Arc::new(secrets),
            deliveries: Deliveries::new(db),
            signed: Arc::new(RateLimiter::direct(quota)),
            unsigned: Arc::new(RateLimiter::direct(quota)),
        }
    }
}
