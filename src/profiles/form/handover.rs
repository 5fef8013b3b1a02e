//! What a form posted without JavaScript came back with. The server renders the answer
//! page with it in context, and the page hands it to its island as props.

use crate::error::AppError;
use crate::profiles::form::data::ProfileForm;
use crate::profiles::model::EnrollmentUrl;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A create or edit form that was posted and not saved: what the user typed, and why it
/// came back (an error, or none when an editor button such as "Add entry" was pressed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedForm {
    pub form: ProfileForm,
    pub error: Option<AppError>,
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
