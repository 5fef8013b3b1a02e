//! Webhooks in (server only): `POST /webhooks/anthropic` receives Anthropic's
//! organization webhooks (docs/webhooks.md). A delivery is verified (`signature`),
//! refused if its `webhook-id` was seen before (`deliveries`), acknowledged at once, and
//! processed after (`events`): a `user_profile.*` event re-reads the profile into the
//! index and is recorded in the profile's History. The route is exempt from sign-in and
//! from the CSRF check, which cannot apply to a server-to-server call; it keeps every
//! other protection (request id, body limit, timeout) and has a rate limit of its own.

pub mod deliveries;
pub mod events;
pub mod receive;
pub mod receiver;
pub mod signature;

pub use receive::{routes, PATH};
pub use receiver::Receiver;
