//! A profile's status timeline: each change of a trust grant, program, tier, EFS feature,
//! enforcement status or enforcement action the console's index observed, newest first,
//! with when and how it was observed (docs/review.md, "Status timeline"). Beside the
//! History, which says what people and webhooks did; this says what the statuses did.

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use crate::profiles::model::ProfileId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Most entries a page shows.
const MAX_SHOWN: u32 = 50;

/// One change, in words, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    /// When the console observed it: RFC 3339 and as shown.
    pub datetime: String,
    pub observed: String,
    pub what: String,
    pub change: String,
    /// walk, retrieve, write or webhook; a webhook's own event time with it.
    pub how: String,
    /// An enforcement action's type, reason, whether it can be cleared now, expiry.
    pub detail: Option<String>,
}

/// The entries shown, and whether there are older ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub rows: Vec<TimelineRow>,
    pub more: bool,
    /// An admin's follow-up from the review queue, in words.
    pub follow_up: Option<String>,
}

#[server(endpoint = "profiles/status-timeline")]
pub async fn status_timeline(id: String) -> Result<Timeline, AppError> {
    Authorized::require(Permission::ProfilesRead).await?;
    let id = ProfileId::parse(&id).map_err(|_| AppError::NotFound)?;
    let state = crate::profiles::service::state()?;
    let entries = state
        .index
        .timeline(id.as_str(), MAX_SHOWN + 1)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot read a profile's status timeline");
            AppError::internal("the profile index could not be read")
        })?;
    let more = entries.len() > MAX_SHOWN as usize;
    let follow_up = state
        .index
        .follow_up_of(id.as_str())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot read a profile's follow-up");
            AppError::internal("the profile index could not be read")
        })?
        .map(|f| crate::review::follow_up::words(&f, time::OffsetDateTime::now_utc()));
    let rows = entries
        .iter()
        .take(MAX_SHOWN as usize)
        .map(words::row)
        .collect();
    Ok(Timeline {
        rows,
        more,
        follow_up,
    })
}

/// The timeline's entries in words (server only: the page is rendered there).
#[cfg(feature = "ssr")]
pub mod words {
    use super::TimelineRow;
    use crate::index::statuses::{ENDED, OPEN, RESOLVED};
    use crate::index::timeline::TimelineEntry;
    use crate::profiles::model::action_words;
    use crate::profiles::model::programs::{feature_name, tier_name};
    use crate::timestamp::{parse, rfc3339, utc};

    pub fn row(entry: &TimelineEntry) -> TimelineRow {
        let observed = parse(&entry.observed_at);
        let event = entry.event_at.as_deref().and_then(parse);
        let how = match (entry.how.as_str(), event) {
            ("webhook", Some(at)) => format!("webhook (event at {})", utc(at)),
            ("walk", _) => "the index's walk of the list".to_owned(),
            ("write", _) => "the answer to a change made here".to_owned(),
            (how, _) => how.to_owned(),
        };
        TimelineRow {
            datetime: observed.map(rfc3339).unwrap_or_default(),
            observed: observed
                .map(utc)
                .unwrap_or_else(|| entry.observed_at.clone()),
            what: subject(&entry.subject),
            change: change(entry.old_status.as_deref(), &entry.new_status),
            how,
            detail: entry.detail.as_deref().and_then(action),
        }
    }

    /// `tier:a` → "Cyber tier a (Specialized Access)", and so on.
    pub fn subject(subject: &str) -> String {
        let (kind, name) = subject.split_once(':').unwrap_or((subject, ""));
        match kind {
            "enforcement" => "Enforcement status".to_owned(),
            "action" => format!("Enforcement action {name}"),
            "grant" => format!("Trust grant {name}"),
            "program" => match name {
                "cyber" => "Cyber program".to_owned(),
                "efs" => "EFS program".to_owned(),
                other => format!("Program {other}"),
            },
            "tier" => match tier_name(name) {
                Some(words) => format!("Cyber tier {name} ({words})"),
                None => format!("Cyber tier {name}"),
            },
            "feature" => format!("EFS feature: {}", feature_name(name).unwrap_or(name)),
            _ => subject.to_owned(),
        }
    }

    fn change(old: Option<&str>, new: &str) -> String {
        match (old, new) {
            (_, OPEN) => "opened".to_owned(),
            (_, RESOLVED) => "resolved".to_owned(),
            (Some(old), ENDED) => format!("{old} → no longer reported"),
            (None, new) => format!("now {new}"),
            (Some(old), new) => format!("{old} → {new}"),
        }
    }

    /// An action's detail (JSON the index wrote): "Restriction, Unsupported region, can be
    /// cleared now with an identity check, expires 2026-12-01 00:00 UTC".
    fn action(detail: &str) -> Option<String> {
        let value: serde_json::Value = serde_json::from_str(detail).ok()?;
        let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
        let kind = match text("type") {
            Some("ban") => "Ban".to_owned(),
            Some("restriction") => "Restriction".to_owned(),
            Some(other) => other.to_owned(),
            None => "Action".to_owned(),
        };
        Some(action_words(
            kind,
            text("reason"),
            text("action") == Some("verify"),
            text("expires_at").and_then(parse),
        ))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn entries_read_as_words() {
            assert_eq!(subject("tier:a"), "Cyber tier a (Specialized Access)");
            assert_eq!(
                subject("feature:cmek"),
                "EFS feature: Customer-managed encryption keys"
            );
            assert_eq!(subject("program:later"), "Program later");
            assert_eq!(change(Some("pending"), "active"), "pending → active");
            assert_eq!(change(Some("active"), ENDED), "active → no longer reported");
            let detail = r#"{"type":"restriction","reason":"unsupported_region","action":"verify","expires_at":"2026-12-01T00:00:00Z"}"#;
            assert_eq!(
                action(detail).unwrap(),
                "Restriction, Unsupported region, can be cleared now with an identity check, expires 2026-12-01 00:00 UTC"
            );
            let ban = r#"{"type":"ban","reason":"<script>","action":null,"expires_at":null}"#;
            assert_eq!(action(ban).unwrap(), "Ban, <script>, no end date");
        }
    }
}

/// "Status timeline", beside the History.
#[component]
pub fn StatusTimeline(id: ProfileId) -> impl IntoView {
    let raw_id = id.to_string();
    let timeline = Resource::new(move || raw_id.clone(), status_timeline);
    view! {
        <section class="status-timeline" id="status-timeline" aria-labelledby="status-timeline-heading">
            <h2 id="status-timeline-heading">"Status timeline"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading the status timeline…"</p> }>
                {move || Suspend::new(async move {
                    match timeline.await {
                        Ok(Timeline { rows, more, follow_up }) => {
                            let follow_up = follow_up.map(|text| view! { <p class="follow-up">{text}</p> });
                            let rows = if rows.is_empty() {
                                view! {
                                    <p class="muted">"No status change observed since the console's index first saw this profile."</p>
                                }
                                .into_any()
                            } else {
                                view! { <Rows rows more/> }.into_any()
                            };
                            view! { {follow_up} {rows} }.into_any()
                        }
                        // Not the page's error: the profile above is fine.
                        Err(error) => view! { <p class="field-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Rows(rows: Vec<TimelineRow>, more: bool) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <td><time datetime=row.datetime>{row.observed}</time></td>
                    <td>{row.what}</td>
                    <td>{row.change}</td>
                    <td>{row.detail}</td>
                    <td>{row.how}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="audit">
            <thead>
                <tr>
                    <th scope="col">"Observed"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"Detail"</th>
                    <th scope="col">"Seen by"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {more.then(|| view! { <p class="muted">{format!("The newest {MAX_SHOWN} changes.")}</p> })}
    }
}
