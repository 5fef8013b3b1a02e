//! Which version of the User Profiles API a request speaks. The version is chosen by the
//! `anthropic-beta` header, not by `anthropic-version`: no `user-profiles-*` value means
//! GA, otherwise the first such value names a beta (docs/api-versions.md, "Choosing a
//! version"). The client sends exactly one value for a beta and none for GA; the emulator
//! reads the header the same way.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiVersion {
    /// Generally available since 2026-10-20: `access_type`, `external_user_details`,
    /// `programs`, enforcement, `DELETE`, `action_urls`.
    Ga,
    /// The first beta: `relationship`, `external_id`, `trust_grants`, `enrollment_url`.
    Beta20260324,
    /// `access_type` replaces `relationship`; `external_user_onboarded_at`.
    Beta20260818,
    /// `external_user_details` replaces `external_id`.
    Beta20260904,
}

/// What every `user-profiles-*` beta value starts with.
const BETA_PREFIX: &str = "user-profiles-";

impl ApiVersion {
    pub const ALL: [Self; 4] = [
        Self::Ga,
        Self::Beta20260324,
        Self::Beta20260818,
        Self::Beta20260904,
    ];

    /// The versions the console speaks (`PROFILES_API_VERSION`); the emulator serves all.
    pub const CONSOLE: [Self; 2] = [Self::Ga, Self::Beta20260324];

    /// Reads the console's setting: `ga` or `2026-03-24`.
    pub fn for_console(raw: &str) -> Result<Self, String> {
        Self::CONSOLE
            .into_iter()
            .find(|v| v.as_str() == raw)
            .ok_or_else(|| {
                format!(
                    "\"{raw}\" is not a version this console speaks: use \"ga\" or \"2026-03-24\""
                )
            })
    }

    /// The `anthropic-beta` value that selects this version; `None` for GA.
    pub fn beta(self) -> Option<&'static str> {
        match self {
            Self::Ga => None,
            Self::Beta20260324 => Some("user-profiles-2026-03-24"),
            Self::Beta20260818 => Some("user-profiles-2026-08-18"),
            Self::Beta20260904 => Some("user-profiles-2026-09-04"),
        }
    }

    /// The name used in settings and logs: `ga` or the beta's date.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ga => "ga",
            Self::Beta20260324 => "2026-03-24",
            Self::Beta20260818 => "2026-08-18",
            Self::Beta20260904 => "2026-09-04",
        }
    }

    /// The version an `anthropic-beta` header selects, given each of its values (one
    /// header may list several, comma-separated, and may itself be repeated). Values of
    /// other betas are ignored; an unknown `user-profiles-*` value is an error, named.
    pub fn from_beta_header<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let first = values
            .into_iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .find(|beta| beta.starts_with(BETA_PREFIX));
        match first {
            None => Ok(Self::Ga),
            Some(beta) => Self::ALL
                .into_iter()
                .find(|v| v.beta() == Some(beta))
                .ok_or_else(|| beta.to_owned()),
        }
    }

    /// Whether profiles carry `relationship` (03-24) rather than `access_type`.
    pub fn has_relationship(self) -> bool {
        self == Self::Beta20260324
    }

    /// Whether profiles carry `external_user_details` (09-04 and GA) rather than
    /// `external_id`.
    pub fn has_external_user_details(self) -> bool {
        matches!(self, Self::Ga | Self::Beta20260904)
    }

    /// Whether profiles carry `programs` and enforcement (GA) rather than `trust_grants`.
    pub fn is_ga(self) -> bool {
        self == Self::Ga
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_speaks_ga_and_the_first_beta_only() {
        assert_eq!(ApiVersion::for_console("ga"), Ok(ApiVersion::Ga));
        assert_eq!(
            ApiVersion::for_console("2026-03-24"),
            Ok(ApiVersion::Beta20260324)
        );
        for other in ["2026-08-18", "GA", "", "user-profiles-2026-03-24"] {
            assert!(ApiVersion::for_console(other).is_err(), "{other}");
        }
    }

    #[test]
    fn no_user_profiles_value_is_ga_and_the_first_one_wins() {
        let pick = |values: &[&str]| ApiVersion::from_beta_header(values.iter().copied());
        assert_eq!(pick(&[]), Ok(ApiVersion::Ga));
        assert_eq!(pick(&["files-api-2025-04-14"]), Ok(ApiVersion::Ga));
        assert_eq!(
            pick(&["files-api, user-profiles-2026-03-24 ,x"]),
            Ok(ApiVersion::Beta20260324)
        );
        // What the SDK builds for `betas: ["user-profiles-2026-09-04"]`.
        assert_eq!(
            pick(&["user-profiles-2026-09-04,user-profiles-2026-08-18"]),
            Ok(ApiVersion::Beta20260904)
        );
        assert_eq!(
            pick(&["x", "user-profiles-2026-08-18"]),
            Ok(ApiVersion::Beta20260818)
        );
        assert_eq!(
            pick(&["user-profiles-2027-01-01"]),
            Err("user-profiles-2027-01-01".to_owned())
        );
    }

    #[test]
    fn each_beta_value_selects_its_own_version() {
        for version in ApiVersion::ALL {
            let selected = match version.beta() {
                Some(beta) => ApiVersion::from_beta_header([beta]),
                None => ApiVersion::from_beta_header([]),
            };
            assert_eq!(selected, Ok(version));
        }
    }
}
