//! What receiving needs, kept apart from the handler so that the application state can
//! hold it without importing the routes that read that state.

use super::deliveries::Deliveries;
use super::signature::Secrets;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Deliveries accepted per second, with bursts up to [`BURST`]: far above what one
/// organization's profile events come to, low enough that a flood cannot starve the
/// console or its API quota.
const PER_SECOND: u32 = 20;
const BURST: u32 = 100;

/// What receiving needs: the secrets and the record of deliveries seen.
#[derive(Clone)]
pub struct Receiver {
    pub(super) secrets: Arc<Secrets>,
    pub(super) deliveries: Deliveries,
    pub(super) limiter: Arc<DefaultDirectRateLimiter>,
}

impl Receiver {
    pub fn new(secrets: Secrets, db: &crate::db::Database) -> Self {
        let quota = Quota::per_second(NonZeroU32::new(PER_SECOND).expect("non-zero"))
            .allow_burst(NonZeroU32::new(BURST).expect("non-zero"));
        Self {
            secrets: Arc::new(secrets),
            deliveries: Deliveries::new(db),
            limiter: Arc::new(RateLimiter::direct(quota)),
        }
    }
}
