//! What a posted form comes back with. Without JavaScript the server renders the answer
//! page with it in context: the page around what was posted, its islands given only what
//! they need of it. The island's own posts (`Accept: application/json`) get it as JSON:
//! [`Saved`], or the [`AppError`].

use crate::error::AppError;
use crate::profiles::form::data::ProfileForm;
use crate::profiles::model::EnrollmentUrl;
use crate::ui::browser::Answer;
use crate::web::own_path;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A create or edit form that was posted and not saved: what the user typed, and why it
/// came back (an error, or none when an editor button such as "Add entry" was pressed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedForm {
    pub form: ProfileForm,
    pub error: Option<AppError>,
}

/// A save that succeeded, answered to an island: the page to go to, which a post without
/// JavaScript is redirected to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub location: String,
}

/// Reads an island's form post answer: where to go after a save (a page of this console
/// only), or why it did not happen.
pub fn saved_or_refused(answer: Option<Answer>) -> Result<String, AppError> {
    let Some(Answer { status, body }) = answer else {
        return Err(AppError::Request("no answer came back".into()));
    };
    if (200..300).contains(&status) {
        // Only ever a page of this console, whatever answered.
        serde_json::from_str::<Saved>(&body)
            .ok()
            .filter(|saved| own_path(&saved.location).is_some())
            .map(|saved| saved.location)
            .ok_or_else(|| AppError::Request(format!("an unreadable answer (status {status})")))
    } else {
        Err(serde_json::from_str::<AppError>(&body).unwrap_or_else(|_| {
            AppError::Request(format!("an unreadable answer (status {status})"))
        }))
    }
}

/// The answer to "Generate enrollment URL" posted from the detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedEnrollment(pub Result<EnrollmentUrl, AppError>);

/// A delete that was posted and refused: what was typed to confirm it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedDelete {
    pub typed: String,
    pub error: AppError,
}

/// The posted outcome of type `T` for this page, if the server renders it for a POST.
pub fn posted<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<T>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    fn answer(status: u16, body: &str) -> Option<Answer> {
        Some(Answer {
            status,
            body: body.into(),
        })
    }

    #[test]
    fn an_island_reads_where_to_go_or_why_not() {
        let saved = Saved {
            location: "/profiles/uprof_a?done=saved".into(),
        };
        assert_eq!(
            saved_or_refused(answer(200, &serde_json::to_string(&saved).unwrap())),
            Ok(saved.location)
        );
        let refused = AppError::invalid(vec![FieldError::new("name", "is too long")]);
        assert_eq!(
            saved_or_refused(answer(400, &serde_json::to_string(&refused).unwrap())),
            Err(refused)
        );
        assert_eq!(
            saved_or_refused(answer(
                401,
                &serde_json::to_string(&AppError::SignInRequired).unwrap()
            )),
            Err(AppError::SignInRequired)
        );
        // A proxy's error page, or a 200 that is not ours: said as such, never a panic.
        assert_eq!(
            saved_or_refused(answer(502, "<html>Bad gateway</html>")),
            Err(AppError::Request(
                "an unreadable answer (status 502)".into()
            ))
        );
        assert_eq!(
            saved_or_refused(answer(200, "<html></html>")),
            Err(AppError::Request(
                "an unreadable answer (status 200)".into()
            ))
        );
        assert_eq!(
            saved_or_refused(answer(200, r#"{"location":"//evil.example/"}"#)),
            Err(AppError::Request(
                "an unreadable answer (status 200)".into()
            )),
            "never another site"
        );
        assert_eq!(
            saved_or_refused(None),
            Err(AppError::Request("no answer came back".into()))
        );
    }
}
