//! Who is using the console and what they may do.
//!
//! The types here are shared by both builds: the server decides, in every server
//! function and form post, through [`authorized::Authorized`] (which records a refusal in
//! the audit trail: auth decides, audit records); a page rendered for the user leaves out
//! what their role cannot do ([`can`]). The server-only parts — accounts, sessions, the
//! sign-in pages, the proxy mode and the request gate — are in the submodules.
//!
//! One word per person: a [`User`] is whoever a request comes from; an
//! [`accounts::Account`] is the stored record a local user signs in with.

use crate::error::AppError;

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod authorized;
#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
pub mod cli;
pub mod fragments;
#[cfg(feature = "ssr")]
pub mod gate;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod proxy;
#[cfg(feature = "ssr")]
pub mod setup;
#[cfg(feature = "ssr")]
pub mod sign_in;

/// A console role, from least to most powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ssr", derive(clap::ValueEnum))]
pub enum Role {
    /// Support staff: reads profiles.
    Viewer,
    /// Support leads: also creates and edits profiles and mints enrollment URLs.
    Editor,
    /// Platform admins: also sets relationships, manages users and reads the audit log.
    Admin,
}

/// One thing a server function or form post may need to be allowed (docs/security.md, "Signing in").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// List and read profiles.
    ProfilesRead,
    /// Create profiles; change their external id, name and metadata.
    ProfilesWrite,
    /// Set a profile's relationship (field-level: only admins).
    ProfilesRelationship,
    /// Delete a profile (admins only: it cannot be undone).
    ProfilesDelete,
    /// Mint an enrollment URL (a credential for the end user).
    EnrollmentCreate,
    /// Read the audit log.
    AuditRead,
    /// Manage console users.
    UsersManage,
    /// Start a complete walk of the profile index now, and see its sync errors.
    IndexManage,
    /// Act on the review queue: generate a link from a row, mark a row followed up.
    ReviewAct,
    /// Download a search or review queue view as CSV or JSON Lines.
    ProfilesExport,
}

impl Permission {
    /// What the permission allows, in the words of a refusal: "The viewer role may not …".
    pub fn words(self) -> &'static str {
        match self {
            Self::ProfilesRead => "read profiles",
            Self::ProfilesWrite => "create or edit profiles",
            Self::ProfilesRelationship => "set a profile's relationship",
            Self::ProfilesDelete => "delete profiles",
            Self::EnrollmentCreate => "generate enrollment URLs",
            Self::AuditRead => "read the audit log",
            Self::UsersManage => "manage console users",
            Self::IndexManage => "refresh the profile index",
            Self::ReviewAct => "act on the review queue",
            Self::ProfilesExport => "export profiles",
        }
    }
}

impl Role {
    pub const ALL: [Role; 3] = [Self::Viewer, Self::Editor, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The one table of who may do what.
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ProfilesRead => true,
            ProfilesWrite | EnrollmentCreate | ProfilesExport => self >= Self::Editor,
            ProfilesRelationship | ProfilesDelete | AuditRead | UsersManage | IndexManage
            | ReviewAct => self == Self::Admin,
        }
    }
}

/// How people sign in to this console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(clap::ValueEnum))]
pub enum AuthMode {
    /// Nobody signs in: the one-command demo on the built-in emulator.
    Open,
    /// Local accounts with passwords and server-side sessions.
    Local,
    /// A trusted single-sign-on proxy in front names the user and their groups.
    Proxy,
}

/// The person behind a request, as the server established it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub mode: AuthMode,
    /// The console serves the built-in emulator's sample data, not real profiles.
    pub demo_data: bool,
}

impl User {
    pub fn may(&self, permission: Permission) -> bool {
        self.role.grants(permission)
    }

    /// The rule of every permission check: no user is 401, a role without `permission`
    /// is 403 (and logged). The server makes it through [`authorized::Authorized`].
    pub fn require(user: Option<&User>, permission: Permission) -> Result<&User, AppError> {
        let user = user.ok_or(AppError::SignInRequired)?;
        if user.may(permission) {
            return Ok(user);
        }
        #[cfg(feature = "ssr")]
        tracing::warn!(
            user = %user.name,
            role = user.role.as_str(),
            ?permission,
            "refused: the role does not allow this"
        );
        Err(AppError::Forbidden)
    }

    /// The user of the request being served. Pages are rendered on the server only
    /// (islands get what they need as props), so the browser build has none.
    pub fn current() -> Option<User> {
        #[cfg(feature = "ssr")]
        return leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<User>().cloned());
        #[cfg(not(feature = "ssr"))]
        None
    }
}

/// Whether the user of the page being rendered may do `permission`: the server leaves out
/// what the role cannot use (hiding only; every action checks again on its own).
pub fn can(permission: Permission) -> bool {
    User::current().is_some_and(|user| user.may(permission))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn roles_grant_exactly_the_table_of_security_md() {
        let table = [
            (ProfilesRead, [true, true, true]),
            (ProfilesWrite, [false, true, true]),
            (EnrollmentCreate, [false, true, true]),
            (ProfilesRelationship, [false, false, true]),
            (ProfilesDelete, [false, false, true]),
            (AuditRead, [false, false, true]),
            (UsersManage, [false, false, true]),
            (IndexManage, [false, false, true]),
        ];
        for (permission, expected) in table {
            for (role, want) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(role.grants(permission), want, "{role:?} {permission:?}");
            }
        }
    }

    #[test]
    fn require_answers_401_without_a_user_and_403_for_a_weak_role() {
        let viewer = User {
            name: "v".into(),
            role: Role::Viewer,
            mode: AuthMode::Local,
            demo_data: false,
        };
        assert_eq!(User::require(None, ProfilesRead).unwrap_err().status(), 401);
        assert_eq!(
            User::require(Some(&viewer), ProfilesWrite)
                .unwrap_err()
                .status(),
            403
        );
        assert!(User::require(Some(&viewer), ProfilesRead).is_ok());
    }

    #[test]
    fn roles_round_trip_as_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
