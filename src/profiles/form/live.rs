//! The create/edit form made live: a lazy island around the form the server rendered
//! (`form/editor.rs`). It renders nothing of the form itself; it reads the form's fields
//! as the browser would post them, judges them by [`ProfileForm`]'s rules, and writes
//! the outcome into the slots the markup marks for it:
//! - `data-errors-for="<field>"`: the messages for a field (and `aria-invalid` on the
//!   input of that name);
//! - `data-count-of="<input>"` with `data-max`: a counter;
//! - `data-row="<index>"`, `data-when="removed|kept"`: a metadata row and its two states;
//! - `data-summary`: the change summary's lines.
//!
//! The WASM carries the rules and these few steps, not the markup, and the page sends no
//! copy of the form's data for it: what the server rendered is what the island reads
//! (docs/architecture.md, "The editor"). What the user typed before the island went live
//! is simply there. Saving posts the form to its own address asking for JSON, the one path
//! of the write (docs/architecture.md, "One path per write").

use crate::error::{AppError, FieldError};
use crate::profiles::form::data::names;
use crate::profiles::model::{ApiVersion, DETAILS};
use crate::ui::error_panel::{ErrorPanel, RequestId};
use leptos::prelude::*;

#[island(lazy)]
pub fn LiveEditor(
    /// The API version the form speaks, which decides how its fields read.
    version: ApiVersion,
    /// Why the form came back from its last post, if it did.
    error: Option<AppError>,
    children: Children,
) -> impl IntoView {
    let refusal = RwSignal::new(error);
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    root.on_load(move |root| dom::go_live(&root, version, refusal));
    #[cfg(not(feature = "hydrate"))]
    let _ = version;
    view! {
        <FormProblems refusal/>
        <div class="live-editor" node_ref=root>{children()}</div>
    }
}

/// Why the last save did not happen, when it is not (only) about a field.
#[component]
fn FormProblems(refusal: RwSignal<Option<AppError>>) -> impl IntoView {
    move || {
        refusal.get().map(|error| match error {
            AppError::Invalid { errors, request_id } => {
                let count = errors.len();
                let only_warned = errors.iter().all(|e| e.field == names::KEEP_EXTERNAL_ID);
                let lead = if only_warned {
                    "Not saved yet: read the warning below, then save again to go ahead.".to_owned()
                } else {
                    format!("The profile was not saved: {count} problem(s), marked below.")
                };
                let general: Vec<FieldError> = errors
                    .into_iter()
                    .filter(|e| !is_form_field(&e.field))
                    .collect();
                view! {
                    <div class="error-panel" role="alert">
                        <p>{lead}</p>
                        {general.into_iter().map(|e| view! { <p>{e.to_string()}</p> }).collect_view()}
                        {request_id.map(|id| view! { <RequestId id/> })}
                    </div>
                }
                .into_any()
            }
            other => view! { <ErrorPanel error=other/> }.into_any(),
        })
    }
}

/// Fields shown next to an input (or the metadata editor); others go in the panel.
fn is_form_field(field: &str) -> bool {
    matches!(
        field,
        names::EXTERNAL_ID
            | names::KEEP_EXTERNAL_ID
            | names::NAME
            | names::RELATIONSHIP
            | names::ACCESS_TYPE
            | "metadata"
    ) || field.starts_with("row-")
        || DETAILS.iter().any(|d| field == names::detail(d.key))
}

#[cfg(feature = "hydrate")]
mod dom {
    use super::*;
    use crate::profiles::form::checks::{message_line, shown_errors};
    use crate::profiles::form::data::{counter, entries_counter, Intent, ProfileForm};
    use crate::profiles::form::handover::saved_or_refused;
    use crate::profiles::form::metadata_editor::Slot;
    use crate::profiles::form::summary::{line_parts, NO_CHANGES};
    use crate::ui::browser::{confirm_before_leaving, focus_first, go_to, post_form};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{DocumentFragment, Element, Event, HtmlElement, HtmlFormElement};

    const LEAVE_WARNING: &str = "Leave this page? Your changes are not saved.";

    /// What the live form keeps besides the DOM.
    #[derive(Clone, Copy)]
    struct Live {
        version: ApiVersion,
        refusal: RwSignal<Option<AppError>>,
        /// The form as the server sent it: what "unsaved changes" are measured against.
        served: StoredValue<ProfileForm>,
        /// The form as last read, to tell an edit (which makes a refusal's field errors
        /// stale) from a read of the same.
        last: StoredValue<ProfileForm>,
        pending: StoredValue<bool>,
        saved: StoredValue<bool>,
    }

    pub fn go_live(root: &Element, version: ApiVersion, refusal: RwSignal<Option<AppError>>) {
        let Some(form) = first(root, "form").and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let (fields, typed) = read(&form, version);
        let live = Live {
            version,
            refusal,
            served: StoredValue::new(ProfileForm::from_pairs(&served_pairs(&form), version).0),
            last: StoredValue::new(typed.clone()),
            pending: StoredValue::new(false),
            saved: StoredValue::new(false),
        };
        live.show(&form, &fields, &typed);
        listen(&form, "input", {
            let form = form.clone();
            move |_| live.edited(&form)
        });
        listen(&form, "click", {
            let form = form.clone();
            move |ev| live.click(&form, &ev)
        });
        listen(&form, "submit", {
            let form = form.clone();
            move |ev| live.submit(&form, &ev)
        });
        let form = send_wrapper::SendWrapper::new(form);
        confirm_before_leaving(
            move || !live.saved.get_value() && live.read(&form).1 != live.served.get_value(),
            LEAVE_WARNING,
        );
    }

    impl Live {
        fn read(&self, form: &HtmlFormElement) -> (Vec<(String, String)>, ProfileForm) {
            read(form, self.version)
        }

        /// After any change of the form: a refusal's field errors go stale with it; a
        /// "changed elsewhere" warning stays until the next save, which it governs.
        fn edited(&self, form: &HtmlFormElement) {
            let (fields, now) = self.read(form);
            if self.last.with_value(|last| *last != now)
                && self.refusal.with_untracked(|r| {
                    r.as_ref()
                        .is_some_and(|e| !matches!(e, AppError::Changed { .. }))
                })
            {
                self.refusal.set(None);
            }
            self.show(form, &fields, &now);
            self.last.set_value(now);
        }

        /// Writes the errors, counters, the Add button's state and the summary.
        fn show(&self, form: &HtmlFormElement, fields: &[(String, String)], typed: &ProfileForm) {
            let errors = self
                .refusal
                .with_untracked(|r| shown_errors(typed, r.as_ref()));
            for slot in all(form, "[data-errors-for]") {
                let field = slot.get_attribute("data-errors-for").unwrap_or_default();
                let messages = message_line(&errors, &field);
                if let Some(input) = first(form, &format!("[name=\"{field}\"]")) {
                    let invalid = if messages.is_empty() { "false" } else { "true" };
                    let _ = input.set_attribute("aria-invalid", invalid);
                }
                slot.set_text_content(Some(&messages));
            }
            for slot in all(form, "[data-count-of]") {
                let name = slot.get_attribute("data-count-of").unwrap_or_default();
                let max = slot
                    .get_attribute("data-max")
                    .and_then(|m| m.parse().ok())
                    .unwrap_or_default();
                let value = fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
                slot.set_text_content(Some(&counter(value.map_or("", String::as_str), max)));
            }
            if let Some(count) = first(form, "#metadata-count") {
                count.set_text_content(Some(&entries_counter(typed)));
            }
            if let Some(add) = first(form, &add_button()) {
                let _ = add.toggle_attribute_with_force("disabled", !typed.can_add_row());
            }
            if let Some(slot) = first(form, "[data-summary]") {
                show_summary(&slot, typed);
            }
        }

        /// The metadata editor's buttons act in place; the save buttons submit.
        fn click(&self, form: &HtmlFormElement, ev: &Event) {
            let Some(button) = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("button[name=intent]").ok().flatten())
            else {
                return;
            };
            let intent = Intent::parse(&button.get_attribute("value").unwrap_or_default());
            match intent {
                Intent::Save => return,
                Intent::AddRow => add_row(form, &self.read(form).1),
                Intent::Remove(i) => mark_row(form, i, true),
                Intent::Undo(i) => mark_row(form, i, false),
            }
            ev.prevent_default();
            self.edited(form);
        }

        fn submit(&self, form: &HtmlFormElement, ev: &Event) {
            ev.prevent_default();
            if self.pending.get_value() {
                return;
            }
            let (fields, typed) = self.read(form);
            if !typed.check().is_empty() {
                self.show(form, &fields, &typed);
                focus_first(".live-editor [aria-invalid=true]");
                return;
            }
            self.set_pending(form, true);
            let answer = post_form(form, names::INTENT, &Intent::Save.value());
            let (live, form) = (*self, form.clone());
            leptos::task::spawn_local(async move {
                let outcome = saved_or_refused(answer.await);
                live.set_pending(&form, false);
                match outcome {
                    Ok(location) => {
                        live.saved.set_value(true);
                        go_to(&location);
                    }
                    Err(error) => {
                        if matches!(error, AppError::Changed { .. }) {
                            if let Some(flag) =
                                first(&form, &format!("[name={}]", names::OVERWRITE))
                            {
                                let _ = flag.set_attribute("value", "1");
                            }
                        }
                        if let AppError::Invalid { errors, .. } = &error {
                            keep_warned_id(&form, errors, &live.read(&form).1.external_id);
                        }
                        live.refusal.set(Some(error));
                        let (fields, typed) = live.read(&form);
                        live.show(&form, &fields, &typed);
                        live.last.set_value(typed);
                    }
                }
            });
        }

        fn set_pending(&self, form: &HtmlFormElement, pending: bool) {
            self.pending.set_value(pending);
            if let Some(save) = first(form, ".form-actions button[type=submit]") {
                let _ = save.toggle_attribute_with_force("disabled", pending);
                let _ = save.set_attribute("aria-busy", &pending.to_string());
            }
            if let Some(status) = first(form, ".form-actions [role=status]") {
                status.set_text_content(Some(if pending { "Saving…" } else { "" }));
            }
        }
    }

    /// After the shared-id warning, marks the id warned about as kept, as the server's
    /// form does without JavaScript: the next save sends it.
    fn keep_warned_id(form: &HtmlFormElement, errors: &[FieldError], typed: &str) {
        if !errors.iter().any(|e| e.field == names::KEEP_EXTERNAL_ID) {
            return;
        }
        if let Some(kept) = first(form, &format!("[name={}]", names::KEEP_EXTERNAL_ID)) {
            let _ = kept.set_attribute("value", typed);
        }
    }

    fn add_button() -> String {
        format!("button[name=intent][value=\"{}\"]", Intent::AddRow.value())
    }

    /// A copy of the template row, its placeholders filled in, after the last row.
    fn add_row(form: &HtmlFormElement, typed: &ProfileForm) {
        if !typed.can_add_row() {
            return;
        }
        let (Some(rows), Some(template)) = (
            first(form, ".meta-rows"),
            first(form, "#meta-row-template")
                .and_then(|t| t.dyn_into::<web_sys::HtmlTemplateElement>().ok()),
        ) else {
            return;
        };
        let Some(copy) = template
            .content()
            .clone_node_with_deep(true)
            .ok()
            .and_then(|c| c.dyn_into::<DocumentFragment>().ok())
        else {
            return;
        };
        let index = typed.rows.len();
        let (index_placeholder, number_placeholder) = Slot::TEMPLATE;
        let (at, number) = (index.to_string(), (index + 1).to_string());
        if let Ok(elements) = copy.query_selector_all("*") {
            for el in
                (0..elements.length()).filter_map(|i| elements.get(i)?.dyn_into::<Element>().ok())
            {
                for name in el
                    .get_attribute_names()
                    .iter()
                    .filter_map(|n| n.as_string())
                {
                    if let Some(value) = el.get_attribute(&name) {
                        let filled = value
                            .replace(index_placeholder, &at)
                            .replace(number_placeholder, &number);
                        if filled != value {
                            let _ = el.set_attribute(&name, &filled);
                        }
                    }
                }
            }
        }
        let _ = rows.append_child(&copy);
        focus(form, &format!("#meta-{index}-key"));
    }

    /// Marks row `index` for removal or takes that back, and moves focus to the button
    /// that undoes it, which takes the pressed one's place.
    fn mark_row(form: &HtmlFormElement, index: usize, removed: bool) {
        let Some(row) = first(form, &format!("[data-row=\"{index}\"]")) else {
            return;
        };
        let _ = row.class_list().toggle_with_force("removed", removed);
        for input in all(&row, "input[type=text]") {
            let _ = input.toggle_attribute_with_force("readonly", removed);
        }
        if let Some(flag) = first(
            &row,
            &format!("[name=\"{}\"]", names::row(index, "removed")),
        ) {
            let _ = flag.set_attribute("value", if removed { "1" } else { "0" });
        }
        let state = if removed { "removed" } else { "kept" };
        for part in all(&row, "[data-when]") {
            let shown = part.get_attribute("data-when").as_deref() == Some(state);
            let _ = part.toggle_attribute_with_force("hidden", !shown);
        }
        focus(&row, &format!("button[data-when={state}]"));
    }

    /// The summary's lines as `ChangeSummary` renders them.
    fn show_summary(slot: &Element, typed: &ProfileForm) {
        let Some(document) = slot.owner_document() else {
            return;
        };
        let lines = typed.summary();
        let element = |tag: &str, text: Option<&str>| {
            let el = document.create_element(tag).ok()?;
            el.set_text_content(text);
            Some(el)
        };
        slot.set_text_content(None);
        let body = if lines.is_empty() {
            element("p", Some(NO_CHANGES)).inspect(|p| {
                let _ = p.set_attribute("class", "muted");
            })
        } else {
            element("ul", None).inspect(|list| {
                for line in &lines {
                    let (what, rest) = line_parts(line);
                    if let (Some(item), Some(strong)) =
                        (element("li", None), element("strong", Some(what)))
                    {
                        let _ = item.append_child(&strong);
                        let _ = item.append_with_str_1(&rest);
                        let _ = list.append_child(&item);
                    }
                }
            })
        };
        if let Some(body) = body {
            let _ = slot.append_child(&body);
        }
    }

    /// The fields as the browser would post them, and the form they make.
    fn read(form: &HtmlFormElement, version: ApiVersion) -> (Vec<(String, String)>, ProfileForm) {
        let fields = pairs(form);
        let typed = ProfileForm::from_pairs(&fields, version).0;
        (fields, typed)
    }

    /// The fields as the browser would post them.
    fn pairs(form: &HtmlFormElement) -> Vec<(String, String)> {
        let Some(entries) = web_sys::FormData::new_with_form(form)
            .ok()
            .and_then(|data| js_sys::try_iter(&data).ok().flatten())
        else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| {
                let pair = entry.ok()?.dyn_into::<js_sys::Array>().ok()?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect()
    }

    /// The fields as the server rendered them: the `value` and `selected` attributes,
    /// which typing does not change.
    fn served_pairs(form: &HtmlFormElement) -> Vec<(String, String)> {
        let named = |el: &Element| el.get_attribute("name");
        let mut pairs: Vec<(String, String)> = all(form, "input[name]")
            .iter()
            .filter_map(|input| {
                Some((
                    named(input)?,
                    input.get_attribute("value").unwrap_or_default(),
                ))
            })
            .collect();
        for select in all(form, "select[name]") {
            let chosen = first(&select, "option[selected]").or_else(|| first(&select, "option"));
            if let (Some(name), Some(option)) = (named(&select), chosen) {
                pairs.push((name, option.get_attribute("value").unwrap_or_default()));
            }
        }
        pairs
    }

    fn first(root: &Element, selector: &str) -> Option<Element> {
        root.query_selector(selector).ok().flatten()
    }

    fn all(root: &Element, selector: &str) -> Vec<Element> {
        let Ok(list) = root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.get(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    fn focus(root: &Element, selector: &str) {
        if let Some(el) = first(root, selector).and_then(|el| el.dyn_into::<HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }

    /// Listens for as long as the page lives: the console has no client-side navigation,
    /// every page is a full load, so the form never outlives its listeners.
    fn listen(form: &HtmlFormElement, event: &str, handler: impl FnMut(Event) + 'static) {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = form.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        closure.forget();
    }
}
