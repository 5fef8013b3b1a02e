//! The page heading, which takes focus when a page opens so that keyboard and screen
//! reader users start reading the new page, not the link they left.

use leptos::html::H1;
use leptos::prelude::*;

/// Set once a page's heading is live in the browser: the page, lazily loaded or not, has
/// hydrated. The app shows it as `data-hydrated`, so tests wait on it instead of a timer.
#[derive(Clone, Copy)]
pub struct PageReady(pub RwSignal<bool>);

#[component]
pub fn PageHeading(#[prop(into)] text: String) -> impl IntoView {
    let heading = NodeRef::<H1>::new();
    // Effects run only in the browser. Inside `<Suspense>` the heading is created before
    // it is attached, so focus it on the next frame, once it is in the document.
    let ready = use_context::<PageReady>();
    Effect::new(move |_| {
        if heading.get().is_some() {
            if let Some(PageReady(ready)) = ready {
                ready.set(true);
            }
            request_animation_frame(move || {
                if let Some(h1) = heading.get_untracked() {
                    let _ = h1.focus();
                }
            });
        }
    });
    view! { <h1 tabindex="-1" node_ref=heading>{text}</h1> }
}
