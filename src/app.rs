//! The HTML shell and the application: routes, layout, navigation.

use crate::auth::{PageRole, Role};
use crate::profiles::create::NewProfilePage;
use crate::profiles::detail::ProfileDetailPage;
use crate::profiles::edit::EditProfilePage;
use crate::profiles::list::ProfileListPage;
use crate::ui::heading::PageReady;
use crate::ui::status::NotFound;
use crate::ui::theme::{Theme, ThemeToggle};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The remembered theme is rendered in the first byte, so a dark page never flashes light.
    let theme = Theme::current().attribute();
    // The user's role, for the browser to hide what it cannot do (`auth::PageRole`).
    let role = PageRole::current().0.map(Role::as_str);
    #[cfg(feature = "ssr")]
    set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme data-role=role>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
    // `data-hydrated="true"` tells tests (and nothing else) that the WASM has taken over
    // the page, so they never wait on a timer; every page's heading reports it.
    let hydrated = RwSignal::new(false);
    provide_context(PageReady(hydrated));
    let (banner, account, admin) = server_fragments();

    view! {
        <Title formatter=|page: String| format!("{page} · profiles-admin")/>
        <Router>
            <div class="app" data-hydrated=move || hydrated.get().to_string()>
                <div class="notices" inner_html=banner></div>
                <header class="topbar">
                    <A href="/profiles" attr:class="brand">"profiles-admin"</A>
                    <nav aria-label="Main">
                        <A href="/profiles">"Profiles"</A>
                        <span class="admin-links" inner_html=admin></span>
                    </nav>
                    <ThemeToggle/>
                    <div class="account" inner_html=account></div>
                </header>
                <main id="main">
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/profiles") view=ProfileListPage ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/search") view={Lazy::<SearchRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/new") view={Lazy::<NewRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/:id") view={Lazy::<DetailRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/profiles/:id/edit") view={Lazy::<EditRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}

/// The demo banner, the account bar and the admins' links, rendered by the server only
/// (`auth::fragments` says why); in the browser they are empty, and hydration keeps what
/// the server wrote.
fn server_fragments() -> (String, String, String) {
    #[cfg(feature = "ssr")]
    {
        let user = crate::auth::User::current();
        (
            crate::auth::fragments::demo_banner(user.as_ref()),
            crate::auth::fragments::account(user.as_ref()),
            crate::auth::fragments::admin_links(user.as_ref()),
        )
    }
    #[cfg(not(feature = "ssr"))]
    {
        (String::new(), String::new(), String::new())
    }
}

/// The create page, loaded on demand (its WASM is a separate file).
#[derive(Clone)]
struct NewRoute;

#[lazy_route]
impl LazyRoute for NewRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <NewProfilePage/> }.into_any()
    }
}

/// The search page, loaded on demand.
#[derive(Clone)]
struct SearchRoute;

#[lazy_route]
impl LazyRoute for SearchRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::profiles::search::page::SearchPage/> }.into_any()
    }
}

/// The detail page, loaded on demand.
#[derive(Clone)]
struct DetailRoute;

#[lazy_route]
impl LazyRoute for DetailRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ProfileDetailPage/> }.into_any()
    }
}

/// The edit page, loaded on demand.
#[derive(Clone)]
struct EditRoute;

#[lazy_route]
impl LazyRoute for EditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <EditProfilePage/> }.into_any()
    }
}

/// The admins' audit log, loaded on demand.
#[derive(Clone)]
struct AuditRoute;

#[lazy_route]
impl LazyRoute for AuditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::audit::view::AuditLogPage/> }.into_any()
    }
}
