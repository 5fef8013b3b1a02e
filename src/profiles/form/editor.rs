//! The create and edit form, with its metadata editor. It is a real HTML form: before or
//! without the WASM every button posts it to the page's own address (see `form/post.rs`).
//! It is also an island, loaded on demand: once live, the editor's buttons act in place and
//! saving posts the same form to the same address, answered in JSON. Either way the rules
//! are [`ProfileForm`]'s, checked as the user types and again on the server.

use crate::error::{AppError, FieldError};
use crate::profiles::form::checks::messages_for;
use crate::profiles::form::data::{char_count, names, Intent, Loaded, ProfileForm};
use crate::profiles::form::handover::saved_or_refused;
use crate::profiles::form::metadata_editor::MetadataEditor;
use crate::profiles::form::state::FormState;
use crate::profiles::form::summary::ChangeSummary;
use crate::profiles::links::{detail_href, edit_href, new_href};
use crate::profiles::location::ListLocation;
use crate::profiles::model::{
    AccessType, Detail, ProfileId, Relationship, DETAILS, MAX_TEXT_CHARS,
};
use crate::ui::browser::{
    adopt_shown_value, confirm_before_leaving, focus_first, go_to, post_form,
};
use crate::ui::error_panel::{ErrorPanel, RequestId};
use crate::ui::status::set_http_status;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

const LEAVE_WARNING: &str = "Leave this page? Your changes are not saved.";

/// What saving does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Create,
    Edit(ProfileId),
}

#[island(lazy)]
pub fn ProfileEditor(
    target: Target,
    initial: ProfileForm,
    error: Option<AppError>,
    from: ListLocation,
    /// Only admins set relationships and access types (`Permission::ProfilesRelationship`).
    may_change_relationship: bool,
) -> impl IntoView {
    // A form rendered for a refused no-JS post answers with the refusal's status.
    if let Some(error) = &error {
        set_http_status(error.status());
    }
    let state = FormState::new(&initial);
    let form = Memo::new(move |_| state.snapshot());
    let server_error = RwSignal::new(error);
    let pending = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let checked = Memo::new(move |_| form.with(ProfileForm::check));

    // Editing after a refusal makes its field errors stale; a "changed elsewhere"
    // warning stays until the next save, which it governs.
    Effect::new(move |previous: Option<ProfileForm>| {
        let now = form.get();
        if previous.is_some_and(|p| p != now)
            && !matches!(server_error.get_untracked(), Some(AppError::Changed { .. }))
        {
            server_error.set(None);
        }
        now
    });

    let dirty = {
        let initial = initial.clone();
        Memo::new(move |_| form.with(|f| *f != initial))
    };
    confirm_before_leaving(
        move || dirty.get_untracked() && !saved.get_untracked(),
        LEAVE_WARNING,
    );

    let errors_for = move |field: String| {
        Signal::derive(move || {
            let mut out: Vec<String> = checked.with(|c| {
                messages_for(c, &field)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            });
            if let Some(AppError::Invalid { errors, .. }) = server_error.get() {
                for m in messages_for(&errors, &field) {
                    if !out.iter().any(|o| o == m) {
                        out.push(m.to_owned());
                    }
                }
            }
            out
        })
    };

    // Saving posts the form to its own address, as without JavaScript, and asks for
    // the outcome as JSON: in place of a page, the profile to go to or the error to show
    // next to what the user typed, which stays (a session that ended included).
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if checked.with(|errors| !errors.is_empty()) {
            focus_first("[aria-invalid=true]");
            return;
        }
        pending.set(true);
        let answer = post_form(&ev, names::INTENT, &Intent::Save.value());
        leptos::task::spawn_local(async move {
            let outcome = saved_or_refused(answer.await);
            pending.set(false);
            match outcome {
                Ok(location) => {
                    saved.set(true);
                    go_to(&location);
                }
                Err(e) => {
                    if matches!(e, AppError::Changed { .. }) {
                        state.overwrite.set(true);
                    }
                    server_error.set(Some(e));
                }
            }
        });
    };

    let (action, save_label, cancel) = match &target {
        Target::Create => (new_href(&from), "Create profile", from.href()),
        Target::Edit(id) => (edit_href(id, &from), "Save", detail_href(id, &from, None)),
    };
    let is_edit = matches!(target, Target::Edit(_));
    let ga = !initial.version.has_relationship();

    view! {
        <form class="profile-form" method="post" action=action on:submit=submit novalidate>
            // Enter in a field submits with the first submit button: make that "save",
            // not a row's "Remove".
            <button type="submit" name=names::INTENT value="save" class="default-submit" tabindex="-1" aria-hidden="true">
                {save_label}
            </button>
            <FormProblems server_error/>
            <TextField label="External ID" name=names::EXTERNAL_ID value=state.external_id errors=errors_for(names::EXTERNAL_ID.into())
                hint=if ga {
                    "Your platform's id for this user or organization (GA's reference_id). Optional; once set, it can be changed but not cleared."
                } else {
                    "Your platform's id for this user or organization. Optional."
                }/>
            <TextField label="Name" name=names::NAME value=state.name errors=errors_for(names::NAME.into())
                hint=if ga { "Optional." } else { "Optional; required when the relationship is \"resold\"." }/>
            {if ga {
                view! {
                    <AccessTypeField value=state.access_type loaded=state.loaded.get_value() may_change=may_change_relationship errors=errors_for(names::ACCESS_TYPE.into())/>
                    <fieldset class="details">
                        <legend>"External user details"</legend>
                        <p class="hint">"Each detail is optional until set; once set, it can be changed but not cleared."</p>
                        {DETAILS.iter().zip(state.details).map(|(detail, value)| {
                            let set = state.loaded.with_value(|l| l.as_ref().is_some_and(|l| l.details.contains_key(detail.key)));
                            view! { <DetailField detail=*detail value set errors=errors_for(names::detail(detail.key))/> }
                        }).collect_view()}
                    </fieldset>
                }
                .into_any()
            } else {
                view! {
                    <RelationshipField value=state.relationship loaded=state.loaded.get_value() may_change=may_change_relationship errors=errors_for(names::RELATIONSHIP.into())/>
                }
                .into_any()
            }}
            <MetadataEditor state form errors_for/>
            {state.loaded.get_value().map(|loaded| view! { <LoadedFields loaded overwrite=state.overwrite/> })}
            {is_edit.then(|| view! { <ChangeSummary form/> })}
            <div class="form-actions">
                <button type="submit" name=names::INTENT value="save" class="primary"
                    disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {save_label}
                </button>
                <a href=cancel class="button secondary">"Cancel"</a>
                <span class="muted" role="status">{move || if pending.get() { "Saving…" } else { "" }}</span>
            </div>
        </form>
    }
}

/// Why the last save did not happen, when it is not (only) about a field.
#[component]
fn FormProblems(server_error: RwSignal<Option<AppError>>) -> impl IntoView {
    move || {
        server_error.get().map(|error| match error {
            AppError::Invalid { errors, request_id } => {
                let count = errors.len();
                let general: Vec<FieldError> = errors
                    .into_iter()
                    .filter(|e| !is_form_field(&e.field))
                    .collect();
                view! {
                    <div class="error-panel" role="alert">
                        <p>{format!("The profile was not saved: {count} problem(s), marked below.")}</p>
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
        names::EXTERNAL_ID | names::NAME | names::RELATIONSHIP | names::ACCESS_TYPE | "metadata"
    ) || field.starts_with("row-")
        || DETAILS.iter().any(|d| field == names::detail(d.key))
}

/// One of GA's external user details: a choice or free text. A detail that is set
/// cannot be cleared, so its choice offers no "Not set" and its hint says so up front.
#[component]
fn DetailField(
    detail: Detail,
    value: RwSignal<String>,
    set: bool,
    errors: Signal<Vec<String>>,
) -> impl IntoView {
    let name = names::detail(detail.key);
    let id = format!("field-{}", detail.key);
    let described = format!("{id}-hint {id}-error");
    let hint = if set {
        format!("{} Set: it can be changed, not cleared.", detail.hint)
    } else {
        format!(
            "{} Optional; once set, it can be changed but not cleared.",
            detail.hint
        )
    };
    let control = if detail.choices.is_empty() {
        let input = NodeRef::<leptos::html::Input>::new();
        adopt_shown_value(value, move || input.get().map(|el| el.value()));
        view! {
            <input id=id.clone() type="text" name=name autocomplete="off" spellcheck="false" node_ref=input
                value=value.get_untracked()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || (!errors.get().is_empty()).to_string()
                aria-describedby=described/>
        }
        .into_any()
    } else {
        // A value this console does not know stays selectable, as it came.
        let current = value.get_untracked();
        let mut choices: Vec<(String, String)> = detail
            .choices
            .iter()
            .map(|(v, meaning)| ((*v).to_owned(), format!("{v} — {meaning}")))
            .collect();
        if !current.is_empty() && !choices.iter().any(|(v, _)| *v == current) {
            choices.push((
                current.clone(),
                format!("{current} — not known to this console; kept as it is"),
            ));
        }
        if !set {
            choices.insert(0, (String::new(), "Not set".to_owned()));
        }
        let options = choices
            .into_iter()
            .map(|(v, label)| {
                let selected = v.clone();
                view! { <option value=v selected=move || value.get() == selected>{label}</option> }
            })
            .collect_view();
        let select = NodeRef::<leptos::html::Select>::new();
        adopt_shown_value(value, move || select.get().map(|el| el.value()));
        view! {
            <select id=id.clone() name=name node_ref=select
                on:change=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || (!errors.get().is_empty()).to_string()
                aria-describedby=described>
                {options}
            </select>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{detail.label}</label>
            {control}
            <p class="hint" id=format!("{id}-hint")>{hint}</p>
            <p class="field-error" id=format!("{id}-error") aria-live="polite">{move || errors.get().join(" ")}</p>
        </div>
    }
}

#[component]
fn TextField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    errors: Signal<Vec<String>>,
    hint: &'static str,
) -> impl IntoView {
    let id = format!("field-{name}");
    let described = format!("{id}-hint {id}-error");
    let input = NodeRef::<leptos::html::Input>::new();
    adopt_shown_value(value, move || input.get().map(|el| el.value()));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="text" name=name autocomplete="off" node_ref=input
                value=value.get_untracked()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || (!errors.get().is_empty()).to_string()
                aria-describedby=described/>
            <p class="hint" id=format!("{id}-hint")>
                {hint} " "
                <span class="counter">{move || format!("{}/{MAX_TEXT_CHARS}", char_count(&value.get()))}</span>
            </p>
            <p class="field-error" id=format!("{id}-error") aria-live="polite">{move || errors.get().join(" ")}</p>
        </div>
    }
}

/// The 2026-03-24 relationship: who the profile stands for.
#[component]
fn RelationshipField(
    value: RwSignal<String>,
    loaded: Option<Loaded>,
    may_change: bool,
    errors: Signal<Vec<String>>,
) -> impl IntoView {
    let unknown = loaded
        .map(|l| l.relationship)
        .filter(|r| Relationship::parse(r).is_err());
    let choices = Relationship::ALL
        .iter()
        .map(|r| {
            let meaning = match r {
                Relationship::External => "an individual end user of the platform",
                Relationship::Resold => "a company the platform resells Claude access to",
                Relationship::Internal => "the platform's own usage",
            };
            (r.as_str().to_owned(), meaning)
        })
        .collect();
    view! { <KindField label="Relationship" name=names::RELATIONSHIP choices unknown value may_change errors/> }
}

/// GA's access type, which replaces the relationship.
#[component]
fn AccessTypeField(
    value: RwSignal<String>,
    loaded: Option<Loaded>,
    may_change: bool,
    errors: Signal<Vec<String>>,
) -> impl IntoView {
    let unknown = loaded
        .map(|l| l.access_type)
        .filter(|a| AccessType::parse(a).is_err());
    let choices = AccessType::ALL
        .iter()
        .map(|a| (a.as_str().to_owned(), a.meaning()))
        .collect();
    view! { <KindField label="Access type" name=names::ACCESS_TYPE choices unknown value may_change errors/> }
}

/// The relationship or the access type: a choice only admins make
/// (`Permission::ProfilesRelationship`). A value this console does not know stays
/// selectable, as it came; others see the current value as the only choice.
#[component]
fn KindField(
    label: &'static str,
    name: &'static str,
    /// `(value, meaning)`.
    mut choices: Vec<(String, &'static str)>,
    unknown: Option<String>,
    value: RwSignal<String>,
    may_change: bool,
    errors: Signal<Vec<String>>,
) -> impl IntoView {
    if let Some(raw) = unknown {
        choices.push((raw, "not known to this console; kept as it is"));
    }
    let current = value.get_untracked();
    choices.retain(|(v, _)| may_change || *v == current);
    let options = choices
        .into_iter()
        .map(|(v, meaning)| {
            let label = format!("{v} — {meaning}");
            let selected = v.clone();
            view! { <option value=v selected=move || value.get() == selected>{label}</option> }
        })
        .collect_view();
    let select = NodeRef::<leptos::html::Select>::new();
    adopt_shown_value(value, move || select.get().map(|el| el.value()));
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name node_ref=select
                on:change=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || (!errors.get().is_empty()).to_string()
                aria-describedby=error_id.clone()>
                {options}
            </select>
            <p class="field-error" id=error_id aria-live="polite">{move || errors.get().join(" ")}</p>
            {(!may_change).then(|| view! {
                <p class="hint">{format!("Only admins can change the {}.", label.to_lowercase())}</p>
            })}
        </div>
    }
}

/// What the edit form was loaded with, carried through a no-JS post.
#[component]
fn LoadedFields(loaded: Loaded, overwrite: RwSignal<bool>) -> impl IntoView {
    let details = DETAILS
        .iter()
        .filter_map(|d| {
            let value = loaded.details.get(d.key)?.clone();
            Some(view! { <input type="hidden" name=names::loaded_detail(d.key) value=value/> })
        })
        .collect_view();
    view! {
        <input type="hidden" name=names::LOADED_EXTERNAL_ID value=loaded.external_id.unwrap_or_default()/>
        <input type="hidden" name=names::LOADED_NAME value=loaded.name.unwrap_or_default()/>
        <input type="hidden" name=names::LOADED_RELATIONSHIP value=loaded.relationship/>
        <input type="hidden" name=names::LOADED_ACCESS_TYPE value=loaded.access_type/>
        {details}
        <input type="hidden" name=names::LOADED_UPDATED_AT value=loaded.updated_at/>
        <input type="hidden" name=names::OVERWRITE
            value=if overwrite.get_untracked() { "1" } else { "0" }
            prop:value=move || if overwrite.get() { "1" } else { "0" }/>
    }
}
