//! The metadata editor: one row per entry (key and value, with counters and errors),
//! "Add entry", "Remove" and "Undo". Every button is a submit button too, so without the
//! WASM the form posts and comes back changed (`Intent`).

use crate::profiles::form::data::{char_count, names, Intent, MetaRow, ProfileForm};
use crate::profiles::form::state::{FormState, RowState};
use crate::profiles::model::{MAX_KEY_CHARS, MAX_METADATA_KEYS, MAX_VALUE_CHARS};
use crate::ui::browser::adopt_shown_value;
use leptos::prelude::*;

#[component]
pub fn MetadataEditor(
    state: FormState,
    form: Memo<ProfileForm>,
    errors_for: impl Fn(String) -> Signal<Vec<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let add = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if form.with_untracked(ProfileForm::can_add_row) {
            state
                .rows
                .update(|rows| rows.push(RowState::new(&MetaRow::default())));
        }
    };
    let rows = move || state.rows.get().into_iter().enumerate().collect::<Vec<_>>();
    let editor_errors = errors_for("metadata".into());
    view! {
        <fieldset class="metadata-editor" aria-describedby="metadata-count metadata-error">
            <legend>"Metadata"</legend>
            <p class="counter" id="metadata-count">
                {move || format!("{}/{MAX_METADATA_KEYS} entries", form.with(ProfileForm::live_count))}
            </p>
            <For each=rows key=|(i, _)| *i let:((index, row))>
                <MetaRowEditor index row errors_for/>
            </For>
            <button type="submit" name=names::INTENT value=Intent::AddRow.value() class="secondary"
                on:click=add disabled=move || !form.with(ProfileForm::can_add_row)>
                "Add entry"
            </button>
            <p class="field-error" id="metadata-error" aria-live="polite">{move || editor_errors.get().join(" ")}</p>
        </fieldset>
    }
}

#[component]
fn MetaRowEditor(
    index: usize,
    row: RowState,
    errors_for: impl Fn(String) -> Signal<Vec<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let key_errors = errors_for(names::row(index, "key"));
    let value_errors = errors_for(names::row(index, "value"));
    let (orig_key, orig_value) = row.original.get_value().unwrap_or_default();
    let toggle = move |removed: bool| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            row.removed.set(removed);
        }
    };
    view! {
        <div class="meta-row" class:removed=move || row.removed.get() role="group" aria-label=format!("Entry {}", index + 1)>
            <RowField label="Key" index part="key" text=row.key removed=row.removed errors=key_errors max=MAX_KEY_CHARS/>
            <RowField label="Value" index part="value" text=row.value removed=row.removed errors=value_errors max=MAX_VALUE_CHARS/>
            <input type="hidden" name=names::row(index, "orig-key") value=orig_key/>
            <input type="hidden" name=names::row(index, "orig-value") value=orig_value/>
            <input type="hidden" name=names::row(index, "removed")
                value=if row.removed.get_untracked() { "1" } else { "0" }
                prop:value=move || if row.removed.get() { "1" } else { "0" }/>
            <div class="row-actions">
                {move || if row.removed.get() {
                    view! {
                        <span class="muted">"Marked for removal"</span>
                        <button type="submit" name=names::INTENT value=Intent::Undo(index).value() class="secondary small" on:click=toggle(false)>"Undo"</button>
                    }.into_any()
                } else {
                    view! {
                        <button type="submit" name=names::INTENT value=Intent::Remove(index).value() class="secondary small" on:click=toggle(true)>"Remove"</button>
                    }.into_any()
                }}
            </div>
        </div>
    }
}

/// The key or the value of one metadata row, with its counter and errors.
#[component]
fn RowField(
    label: &'static str,
    index: usize,
    /// `key` or `value`: the input is named `row-{index}-{part}`.
    part: &'static str,
    text: RwSignal<String>,
    removed: RwSignal<bool>,
    errors: Signal<Vec<String>>,
    max: usize,
) -> impl IntoView {
    let id = format!("meta-{index}-{part}");
    let input = NodeRef::<leptos::html::Input>::new();
    adopt_shown_value(text, move || input.get().map(|el| el.value()));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="text" name=names::row(index, part) autocomplete="off" node_ref=input
                value=text.get_untracked()
                on:input=move |ev| text.set(event_target_value(&ev))
                readonly=move || removed.get()
                aria-invalid=move || (!errors.get().is_empty()).to_string()
                aria-describedby=format!("{id}-count {id}-error")/>
            <span class="counter" id=format!("{id}-count")>{move || format!("{}/{max}", char_count(&text.get()))}</span>
            <p class="field-error" id=format!("{id}-error") aria-live="polite">{move || errors.get().join(" ")}</p>
        </div>
    }
}
