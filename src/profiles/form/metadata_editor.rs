//! The metadata editor's markup: one row per entry (key and value, with counters and
//! errors), "Add entry", "Remove" and "Undo". Every button is a submit button, so without
//! the WASM the form posts and comes back changed (`Intent`); the live form does the same
//! in place (`form/live.rs`), adding rows from the [`Slot::TEMPLATE`] row rendered here,
//! so that a row has one markup however it was added.

use crate::profiles::form::data::{
    counter, entries_counter, names, row_intent, Intent, MetaRow, ProfileForm,
};
use crate::profiles::form::field::{FieldErrors, Shown};
use crate::profiles::model::{MAX_KEY_CHARS, MAX_VALUE_CHARS};
use leptos::prelude::*;

/// Where a row sits: its index in the inputs' names (`row-3-key`) and its number in its
/// label ("Entry 4").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub index: String,
    pub number: String,
}

impl Slot {
    /// The template row's placeholders, which the live form replaces in every attribute
    /// of a copy when it adds a row.
    pub const TEMPLATE: (&'static str, &'static str) = ("__index__", "__number__");

    fn at(index: usize) -> Self {
        Self {
            index: index.to_string(),
            number: (index + 1).to_string(),
        }
    }

    fn template() -> Self {
        Self {
            index: Self::TEMPLATE.0.to_owned(),
            number: Self::TEMPLATE.1.to_owned(),
        }
    }
}

#[component]
pub fn MetadataEditor(form: ProfileForm, shown: Shown) -> impl IntoView {
    let can_add = form.can_add_row();
    let messages = shown.messages("metadata");
    let rows = form
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| view! { <MetaRowEditor at=Slot::at(i) row=row.clone() shown=shown.clone()/> })
        .collect_view();
    view! {
        <fieldset class="metadata-editor" aria-describedby="metadata-count metadata-error">
            <legend>"Metadata"</legend>
            <p class="counter" id="metadata-count">{entries_counter(&form)}</p>
            <div class="meta-rows">{rows}</div>
            <template id="meta-row-template">
                <MetaRowEditor at=Slot::template() row=MetaRow::default() shown=shown.clone()/>
            </template>
            <button type="submit" name=names::INTENT value=Intent::AddRow.value()
                class="secondary" disabled=!can_add>
                "Add entry"
            </button>
            <FieldErrors id="metadata-error".to_owned() field="metadata".to_owned() messages/>
        </fieldset>
    }
}

/// One row. Both its states are in the markup, the other one `hidden`, so that the live
/// form switches between them without building either.
#[component]
fn MetaRowEditor(at: Slot, row: MetaRow, shown: Shown) -> impl IntoView {
    let (orig_key, orig_value) = row.original.clone().unwrap_or_default();
    let index = at.index.clone();
    view! {
        <div class="meta-row" class:removed=row.removed role="group"
            aria-label=format!("Entry {}", at.number) data-row=index.clone()>
            <RowField label="Key" index=index.clone() part="key" text=row.key.clone() removed=row.removed shown=shown.clone() max=MAX_KEY_CHARS/>
            <RowField label="Value" index=index.clone() part="value" text=row.value.clone() removed=row.removed shown max=MAX_VALUE_CHARS/>
            <input type="hidden" name=names::row(&index, "orig-key") value=orig_key/>
            <input type="hidden" name=names::row(&index, "orig-value") value=orig_value/>
            <input type="hidden" name=names::row(&index, "removed") value=if row.removed { "1" } else { "0" }/>
            <div class="row-actions">
                <span class="muted" data-when="removed" hidden=!row.removed>"Marked for removal"</span>
                <button type="submit" name=names::INTENT value=row_intent("undo", &index) class="secondary small"
                    data-when="removed" hidden=!row.removed>"Undo"</button>
                <button type="submit" name=names::INTENT value=row_intent("remove", &index) class="secondary small"
                    data-when="kept" hidden=row.removed>"Remove"</button>
            </div>
        </div>
    }
}

/// The key or the value of one metadata row, with its counter and errors.
#[component]
fn RowField(
    label: &'static str,
    index: String,
    /// `key` or `value`: the input is named `row-{index}-{part}`.
    part: &'static str,
    text: String,
    removed: bool,
    shown: Shown,
    max: usize,
) -> impl IntoView {
    let id = format!("meta-{index}-{part}");
    let name = names::row(&index, part);
    let messages = shown.messages(&name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="text" name=name.clone() autocomplete="off" value=text.clone()
                readonly=removed
                aria-invalid=(!messages.is_empty()).to_string()
                aria-describedby=format!("{id}-count {id}-error")/>
            <span class="counter" id=format!("{id}-count") data-count-of=name.clone() data-max=max>{counter(&text, max)}</span>
            <FieldErrors id=format!("{id}-error") field=name messages/>
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_row_added_from_the_template_is_the_row_the_server_renders_at_its_place() {
        let render = |at: Slot| {
            Owner::new().with(|| {
                view! { <MetaRowEditor at row=MetaRow::default() shown=Shown::new(Vec::new())/> }
                    .to_html()
            })
        };
        let (index, number) = Slot::TEMPLATE;
        let filled = render(Slot::template())
            .replace(index, "3")
            .replace(number, "4");
        assert_eq!(filled, render(Slot::at(3)));
        for part in [
            r#"name="row-3-key""#,
            r#"data-count-of="row-3-value""#,
            r#"value="remove-3""#,
            r#"aria-label="Entry 4""#,
        ] {
            assert!(filled.contains(part), "{part} in {filled}");
        }
    }
}
