//! What every request handler and server function can reach (server only): the
//! application state, a leaf below every feature so that a feature reaching it imports
//! no other feature's code, only the handles kept here. Server functions get it from the
//! Leptos context (`use_context::<AppState>()`), handlers as axum state.

use crate::audit::store::AuditLog;
use crate::auth::gate::Auth;
use crate::hardening::Deployment;
use crate::index::Index;
use crate::upstream::Client;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Where the browser bundle and the icon come from.
    pub site: crate::site::Site,
    pub upstream: Client,
    /// Who may use the console, and how they sign in.
    pub auth: Arc<Auth>,
    /// Response headers that depend on how the console is deployed (HSTS behind TLS).
    pub deployment: Deployment,
    /// Set once the process has been asked to stop.
    pub draining: Draining,
    /// Where actions are recorded; also in every request's extensions, for the checks
    /// that record refusals (`auth::authorized::Authorized`).
    pub audit: AuditLog,
    /// The console's database: `/readyz` and the outage answer ask whether it answers.
    pub database: crate::db::Database,
    /// The console's index of every profile, which search reads and the sync fills.
    pub index: Index,
    /// Receives Anthropic's webhooks; `None` without `PROFILES_WEBHOOK_SECRET`, and then
    /// the endpoint answers 404.
    pub webhooks: Option<crate::webhooks::receiver::Receiver>,
    /// Import jobs (docs/onboarding.md), and the pace a job runs at.
    pub jobs: crate::onboarding::job::Jobs,
    pub import_budget: crate::onboarding::job::Budget,
}

/// Whether the console is shutting down: from the stop signal on, `/readyz` answers 503
/// so that a load balancer sends no new requests, while requests keep being served
/// through the grace period and in-flight ones finish (`PROFILES_SHUTDOWN_GRACE`).
#[derive(Clone, Default)]
pub struct Draining(Arc<std::sync::atomic::AtomicBool>);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn started(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
