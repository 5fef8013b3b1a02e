//! What every field of the form shows besides its input: its errors, as the server
//! renders them (the live form rewrites them in place, `form/live.rs`).

use crate::error::FieldError;
use crate::profiles::form::checks::message_line;
use leptos::prelude::*;
use std::sync::Arc;

/// The errors shown next to the form's fields when it is rendered.
#[derive(Clone)]
pub struct Shown(Arc<Vec<FieldError>>);

impl Shown {
    pub fn new(errors: Vec<FieldError>) -> Self {
        Self(Arc::new(errors))
    }

    /// What is shown next to `field`.
    pub fn messages(&self, field: &str) -> String {
        message_line(&self.0, field)
    }
}

/// A field's error line. `data-errors-for` names the field whose messages the live form
/// writes into it (`form/live.rs`); the input it describes is the one of that name.
#[component]
pub fn FieldErrors(id: String, field: String, messages: String) -> impl IntoView {
    view! { <p class="field-error" id=id data-errors-for=field aria-live="polite">{messages}</p> }
}
