//! Reading values a later API version may extend: a known value, or the raw one kept as
//! it came.

use serde::{Deserialize, Serialize};

/// A value read from upstream that a newer API version may extend. An unknown value is
/// kept as it came, to be shown as it is, instead of failing the whole response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Known(T),
    Unknown(String),
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        Self::Known(T::default())
    }
}

/// A known value's name on the wire.
pub trait WireName: Copy {
    fn wire_name(self) -> &'static str;
}

impl<T: WireName> Lenient<T> {
    /// The value as it came: a known value's wire name, or the unknown one as sent.
    pub fn label(&self) -> &str {
        match self {
            Self::Known(value) => value.wire_name(),
            Self::Unknown(raw) => raw,
        }
    }
}
