//! The HTML shell and the application: routes, layout, navigation. Every page is a
//! server component; what needs the browser is an `#[island]` inside it.

use crate::audit::view::AuditLogPage;
use crate::auth::fragments::{AccountBar, AdminLinks, DemoBanner};
use crate::onboarding::page::{ImportJobPage, ImportLink, ImportPage};
use crate::overview::page::OverviewPage;
use crate::profiles::create::NewProfilePage;
use crate::profiles::delete::DeleteProfilePage;
use crate::profiles::detail::ProfileDetailPage;
use crate::profiles::edit::EditProfilePage;
use crate::profiles::list::ProfileListPage;
use crate::profiles::search::page::SearchPage;
use crate::review::page::ReviewPage;
use crate::ui::heading::PageReady;
use crate::ui::status::NotFound;
use crate::ui::theme::{Theme, ThemeToggle};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The remembered theme is rendered in the first byte, so a dark page never flashes light.
    let theme = Theme::current().attribute();
    #[cfg(feature = "ssr")]
    set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                // In the server-only shell, so the browser bundle carries no code for them.
                <link rel="stylesheet" id="leptos" href="/pkg/profiles-admin.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sends this page's Content-Security-Policy, built around the nonce Leptos puts on its
/// hydration script.
#[cfg(feature = "ssr")]
fn set_content_security_policy(options: &LeptosOptions) {
    use axum::http::{header, HeaderValue};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // cargo-leptos' live reload (watch mode only) talks over a WebSocket.
    let reload = std::env::var("LEPTOS_WATCH")
        .is_ok()
        .then(|| format!("ws://{}:{}", options.site_addr.ip(), options.reload_port));
    let policy = crate::hardening::content_security_policy(&nonce.to_string(), reload.as_deref());
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} · profiles-admin")/>
        <Router>
            // `data-hydrated` turns "true" once every island of the page is live
            // (`PageReady`), for the no-JS stand-ins to leave and for tests to wait on.
            <div class="app" data-hydrated="false">
                <div class="notices"><DemoBanner/></div>
                <header class="topbar">
                    <a href="/profiles" class="brand">"profiles-admin"</a>
                    <nav aria-label="Main">
                        <A href="/profiles">"Profiles"</A>
                        <A href="/review">"Review"</A>
                        <A href="/overview">"Overview"</A>
                        <ImportLink/>
                        <span class="admin-links"><AdminLinks/></span>
                    </nav>
                    <ThemeToggle/>
                    <div class="account"><AccountBar/></div>
                </header>
                <main id="main">
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/profiles") view=ProfileListPage ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/search") view=SearchPage ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/new") view=NewProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/:id") view=ProfileDetailPage ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/:id/edit") view=EditProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/:id/delete") view=DeleteProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/audit") view=AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("/review") view=ReviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/overview") view=OverviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/onboarding") view=ImportPage ssr=SsrMode::Async/>
                        <Route path=path!("/onboarding/jobs/:id") view=ImportJobPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <PageReady/>
            </div>
        </Router>
    }
}
