//! "Copy" buttons: islands, since they need the clipboard API. They show only once the
//! WASM runs (`js-only`); before that the value is plain, selectable text next to them.

use crate::ui::browser::copy_to_clipboard;
use leptos::prelude::*;

/// A button named "Copy" that copies `text`; `what` ("ID", "URL", …) is said after it
/// for screen readers and shown in the confirmation. In the main module, not lazy: a
/// chunk of its own would cost a page a round of fetching for 2 KB.
#[island]
pub fn CopyButton(#[prop(into)] text: String, #[prop(into)] what: String) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let title = format!("Copy {what}");
    let copy = move |_| {
        let what = what.clone();
        copy_to_clipboard(text.clone(), move |ok| {
            status.set(if ok {
                format!("{what} copied")
            } else {
                "Could not copy; select the text instead".to_owned()
            });
        });
    };
    view! {
        <span class="copy js-only">
            <button type="button" class="secondary small" on:click=copy title=title>
                "Copy"
            </button>
            <span class="copy-status muted" role="status">{move || status.get()}</span>
        </span>
    }
}
