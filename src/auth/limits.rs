//! Sign-in attempts are limited per client address and per account name (security.md
//! §2.2, ASVS V6.3.1), before any password is checked, so guessing is slow and cheap for
//! us. A name under attack is locked for everyone for a while: the price of stopping
//! guesses spread over many addresses.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Attempts one address may make per minute (an office behind one NAT signs in together).
const PER_CLIENT_PER_MINUTE: u32 = 20;
/// Attempts on one account name per minute, from anywhere.
const PER_ACCOUNT_PER_MINUTE: u32 = 5;
/// Forget idle keys once this many are tracked, so the tables stay small.
const MAX_TRACKED: usize = 10_000;

pub struct SignInLimits {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self::new(PER_CLIENT_PER_MINUTE, PER_ACCOUNT_PER_MINUTE)
    }
}

impl SignInLimits {
    pub fn new(per_client_per_minute: u32, per_account_per_minute: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"));
        Self {
            per_client: DefaultKeyedRateLimiter::keyed(quota(per_client_per_minute)),
            per_account: DefaultKeyedRateLimiter::keyed(quota(per_account_per_minute)),
        }
    }

    /// Counts one attempt; `Err` holds how long to wait before the next one may count.
    pub fn attempt(&self, client: IpAddr, account: &str) -> Result<(), Duration> {
        if self.per_client.len() + self.per_account.len() > MAX_TRACKED {
            self.per_client.retain_recent();
            self.per_account.retain_recent();
        }
        let now = DefaultClock::default().now();
        self.per_client
            .check_key(&client)
            .and_then(|()| self.per_account.check_key(&account.to_owned()))
            .map_err(|not_until| not_until.wait_time_from(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_account_and_each_client_has_its_own_allowance() {
        let limits = SignInLimits::new(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.attempt(a, "alice").is_ok());
        assert!(limits.attempt(b, "alice").is_ok());
        let wait = limits.attempt(a, "alice").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        // Another name is not blocked by alice's, until the address itself runs out.
        assert!(limits.attempt(a, "bob").is_ok());
        assert!(limits.attempt(a, "carol").is_err());
    }
}
