//! The create and edit form, with its metadata editor, rendered on the server only: a real
//! HTML form whose every button posts it to the page's own address (see `form/post.rs`),
//! shown with what the user typed and the errors next to their fields. The
//! [`LiveEditor`] island around it makes it live once its WASM arrives: checks as the
//! user types, the editor's buttons in place, and saving by posting the same form to the
//! same address, answered in JSON. Either way the rules are [`ProfileForm`]'s, and the
//! markup is the server's alone (docs/architecture.md, "The editor").

use crate::error::AppError;
use crate::profiles::form::checks::shown_errors;
use crate::profiles::form::data::{counter, names, Intent, Loaded, ProfileForm};
use crate::profiles::form::field::{FieldErrors, Shown};
use crate::profiles::form::live::LiveEditor;
use crate::profiles::form::metadata_editor::MetadataEditor;
use crate::profiles::form::summary::ChangeSummary;
use crate::profiles::links::{detail_href, edit_href, new_href};
use crate::profiles::location::ListLocation;
use crate::profiles::model::{
    AccessType, Detail, ProfileId, Relationship, DETAILS, MAX_TEXT_CHARS,
};
use crate::ui::status::set_http_status;
use leptos::prelude::*;

/// What saving does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Create,
    Edit(ProfileId),
}

/// The form of the create and edit pages, inside the island that makes it live.
#[component]
pub fn ProfileEditor(
    target: Target,
    /// What the form shows: as loaded, or as posted and refused.
    form: ProfileForm,
    error: Option<AppError>,
    from: ListLocation,
    /// Only admins set relationships and access types (`Permission::ProfilesRelationship`).
    may_change_relationship: bool,
) -> impl IntoView {
    // A form rendered for a refused post answers with the refusal's status.
    if let Some(error) = &error {
        set_http_status(error.status());
    }
    let shown = Shown::new(shown_errors(&form, error.as_ref()));
    let (action, save_label, cancel) = match &target {
        Target::Create => (new_href(&from), "Create profile", from.href()),
        Target::Edit(id) => (edit_href(id, &from), "Save", detail_href(id, &from, None)),
    };
    let ga = !form.version.has_relationship();
    let kind = if ga {
        view! {
            <AccessTypeField form=form.clone() may_change=may_change_relationship shown=shown.clone()/>
            <fieldset class="details">
                <legend>"External user details"</legend>
                <p class="hint">"Each detail is optional until set; once set, it can be changed but not cleared."</p>
                {DETAILS.iter().map(|detail| {
                    let set = form.loaded.as_ref().is_some_and(|l| l.details.contains_key(detail.key));
                    let value = form.detail(detail.key).to_owned();
                    view! { <DetailField detail=*detail value set shown=shown.clone()/> }
                }).collect_view()}
            </fieldset>
        }
        .into_any()
    } else {
        view! { <RelationshipField form=form.clone() may_change=may_change_relationship shown=shown.clone()/> }
            .into_any()
    };
    let version = form.version;
    view! {
        <LiveEditor version error>
            <form class="profile-form" method="post" action=action novalidate>
                // Enter in a field submits with the first submit button: make that "save",
                // not a row's "Remove".
                <button type="submit" name=names::INTENT value=Intent::Save.value() class="default-submit" tabindex="-1" aria-hidden="true">
                    {save_label}
                </button>
                <TextField label="External ID" name=names::EXTERNAL_ID value=form.external_id.clone() shown=shown.clone()
                    hint=if ga {
                        "Your platform's id for this user or organization (GA's reference_id). Optional; once set, it can be changed but not cleared."
                    } else {
                        "Your platform's id for this user or organization. Optional."
                    }/>
                // The shared-id warning (`duplicates.rs`), and the id the user keeps after it.
                <FieldErrors id=format!("{}-error", names::KEEP_EXTERNAL_ID) field=names::KEEP_EXTERNAL_ID.to_owned()
                    messages=shown.messages(names::KEEP_EXTERNAL_ID)/>
                <input type="hidden" name=names::KEEP_EXTERNAL_ID value=form.keep_external_id.clone()/>
                <TextField label="Name" name=names::NAME value=form.name.clone() shown=shown.clone()
                    hint=if ga { "Optional." } else { "Optional; required when the relationship is \"resold\"." }/>
                {kind}
                <MetadataEditor form=form.clone() shown/>
                {form.loaded.clone().map(|loaded| view! { <LoadedFields loaded overwrite=form.overwrite/> })}
                {matches!(target, Target::Edit(_)).then(|| view! { <ChangeSummary lines=form.summary()/> })}
                <div class="form-actions">
                    <button type="submit" name=names::INTENT value=Intent::Save.value() class="primary">
                        {save_label}
                    </button>
                    <a href=cancel class="button secondary">"Cancel"</a>
                    <span class="muted" role="status"></span>
                </div>
            </form>
        </LiveEditor>
    }
}

#[component]
fn TextField(
    label: &'static str,
    name: &'static str,
    value: String,
    shown: Shown,
    hint: &'static str,
) -> impl IntoView {
    let id = format!("field-{name}");
    let messages = shown.messages(name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="text" name=name autocomplete="off" value=value.clone()
                aria-invalid=(!messages.is_empty()).to_string()
                aria-describedby=format!("{id}-hint {id}-error")/>
            <p class="hint" id=format!("{id}-hint")>
                {hint} " "
                <span class="counter" data-count-of=name data-max=MAX_TEXT_CHARS>{counter(&value, MAX_TEXT_CHARS)}</span>
            </p>
            <FieldErrors id=format!("{id}-error") field=name.to_owned() messages/>
        </div>
    }
}

/// One of GA's external user details: a choice or free text. A detail that is set
/// cannot be cleared, so its choice offers no "Not set" and its hint says so up front.
#[component]
fn DetailField(detail: Detail, value: String, set: bool, shown: Shown) -> impl IntoView {
    let name = names::detail(detail.key);
    let id = format!("field-{}", detail.key);
    let described = format!("{id}-hint {id}-error");
    let messages = shown.messages(&name);
    let invalid = (!messages.is_empty()).to_string();
    let hint = if set {
        format!("{} Set: it can be changed, not cleared.", detail.hint)
    } else {
        format!(
            "{} Optional; once set, it can be changed but not cleared.",
            detail.hint
        )
    };
    let control = if detail.choices.is_empty() {
        view! {
            <input id=id.clone() type="text" name=name.clone() autocomplete="off" spellcheck="false"
                value=value aria-invalid=invalid aria-describedby=described/>
        }
        .into_any()
    } else {
        // A value this console does not know stays selectable, as it came.
        let mut choices: Vec<(String, String)> = detail
            .choices
            .iter()
            .map(|(v, meaning)| ((*v).to_owned(), format!("{v} — {meaning}")))
            .collect();
        if !value.is_empty() && !choices.iter().any(|(v, _)| *v == value) {
            choices.push((
                value.clone(),
                format!("{value} — not known to this console; kept as it is"),
            ));
        }
        if !set {
            choices.insert(0, (String::new(), "Not set".to_owned()));
        }
        view! {
            <select id=id.clone() name=name.clone() aria-invalid=invalid aria-describedby=described>
                <Options choices current=value/>
            </select>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{detail.label}</label>
            {control}
            <p class="hint" id=format!("{id}-hint")>{hint}</p>
            <FieldErrors id=format!("{id}-error") field=name messages/>
        </div>
    }
}

/// A choice's options, `(value, label)`, with the current one selected.
#[component]
fn Options(choices: Vec<(String, String)>, current: String) -> impl IntoView {
    choices
        .into_iter()
        .map(|(v, label)| {
            let selected = v == current;
            view! { <option value=v selected=selected>{label}</option> }
        })
        .collect_view()
}

/// The 2026-03-24 relationship: who the profile stands for.
#[component]
fn RelationshipField(form: ProfileForm, may_change: bool, shown: Shown) -> impl IntoView {
    let unknown = form
        .loaded
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
    view! {
        <KindField label="Relationship" name=names::RELATIONSHIP choices unknown
            current=form.relationship may_change shown/>
    }
}

/// GA's access type, which replaces the relationship.
#[component]
fn AccessTypeField(form: ProfileForm, may_change: bool, shown: Shown) -> impl IntoView {
    let unknown = form
        .loaded
        .map(|l| l.access_type)
        .filter(|a| AccessType::parse(a).is_err());
    let choices = AccessType::ALL
        .iter()
        .map(|a| (a.as_str().to_owned(), a.meaning()))
        .collect();
    view! {
        <KindField label="Access type" name=names::ACCESS_TYPE choices unknown
            current=form.access_type may_change shown/>
    }
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
    current: String,
    may_change: bool,
    shown: Shown,
) -> impl IntoView {
    if let Some(raw) = unknown {
        choices.push((raw, "not known to this console; kept as it is"));
    }
    choices.retain(|(v, _)| may_change || *v == current);
    let choices = choices
        .into_iter()
        .map(|(v, meaning)| {
            let label = format!("{v} — {meaning}");
            (v, label)
        })
        .collect();
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let messages = shown.messages(name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-invalid=(!messages.is_empty()).to_string() aria-describedby=error_id.clone()>
                <Options choices current/>
            </select>
            <FieldErrors id=error_id field=name.to_owned() messages/>
            {(!may_change).then(|| view! {
                <p class="hint">{format!("Only admins can change the {}.", label.to_lowercase())}</p>
            })}
        </div>
    }
}

/// What the edit form was loaded with, carried through a post.
#[component]
fn LoadedFields(loaded: Loaded, overwrite: bool) -> impl IntoView {
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
        <input type="hidden" name=names::OVERWRITE value=if overwrite { "1" } else { "0" }/>
    }
}
