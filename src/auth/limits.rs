//! Rate limits (docs/security.md, checklist C21).
//!
//! Sign-in attempts are limited per client address and per account name (ASVS
//! V6.3.1), before any password is checked, so guessing is slow and cheap for us. A name
//! under attack is locked for everyone for a while: the price of stopping guesses spread
//! over many addresses.
//!
//! Server-function calls are limited per signed-in user, far above what a person clicking
//! does, so that a runaway script with someone's session cannot spend the platform's API
//! quota.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Attempts one address may make per minute (an office behind one NAT signs in together).
const PER_CLIENT_PER_MINUTE: u32 = 20;
/// Attempts on one account name per minute, from anywhere.
const PER_ACCOUNT_PER_MINUTE: u32 = 5;
/// Server-function calls one user may make per second, and in one burst.
const CALLS_PER_SECOND: u32 = 20;
const CALL_BURST: u32 = 40;
/// Forget idle keys once this many are tracked, so the tables stay small.
const MAX_TRACKED: usize = 10_000;

pub struct Limits {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
    calls_per_user: DefaultKeyedRateLimiter<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(PER_CLIENT_PER_MINUTE, PER_ACCOUNT_PER_MINUTE)
    }
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl Limits {
    pub fn new(per_client_per_minute: u32, per_account_per_minute: u32) -> Self {
        let per_minute = |n: u32| Quota::per_minute(at_least_one(n));
        let calls =
            Quota::per_second(at_least_one(CALLS_PER_SECOND)).allow_burst(at_least_one(CALL_BURST));
        Self {
            per_client: DefaultKeyedRateLimiter::keyed(per_minute(per_client_per_minute)),
            per_account: DefaultKeyedRateLimiter::keyed(per_minute(per_account_per_minute)),
            calls_per_user: DefaultKeyedRateLimiter::keyed(calls),
        }
    }

    /// Counts one server-function call by `user`; `Err` holds how long to wait.
    pub fn call(&self, user: &str) -> Result<(), Duration> {
        if self.calls_per_user.len() > MAX_TRACKED {
            self.calls_per_user.retain_recent();
        }
        let now = DefaultClock::default().now();
        self.calls_per_user
            .check_key(&user.to_owned())
            .map_err(|not_until| not_until.wait_time_from(now))
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
        let limits = Limits::new(3, 2);
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

    #[test]
    fn each_user_may_burst_then_is_held_to_the_sustained_rate() {
        let limits = Limits::default();
        let allowed = (0..100).filter(|_| limits.call("ana").is_ok()).count();
        // The burst, plus what refilled while counting (at most a few).
        assert!(
            (CALL_BURST as usize..CALL_BURST as usize + 5).contains(&allowed),
            "{allowed}"
        );
        assert!(
            limits.call("bo").is_ok(),
            "another user has their own allowance"
        );
    }
}
