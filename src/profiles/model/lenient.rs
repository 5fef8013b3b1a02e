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
