//! One page of the list and how to ask for it: size, order and the opaque cursor.

use crate::error::FieldError;
use crate::profiles::model::enforcement::EnforcementStatus;
use crate::profiles::model::profile::Profile;
use serde::{Deserialize, Deserializer, Serialize};

/// Longest list cursor we pass on; the emulator's are under 100.
const MAX_CURSOR_CHARS: usize = 512;

/// One page of the list. `next_page` is `None` when there are no more results; an empty
/// string counts as none, as in the SDKs (docs/api-contract.md §5). The index reads pages
/// with the profiles left as JSON (`T = serde_json::Value`), to keep them as they came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePage<T = Profile> {
    pub data: Vec<T>,
    #[serde(default, deserialize_with = "non_empty")]
    pub next_page: Option<String>,
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// Sort order of the list, by `created_at` (ties by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    #[default]
    Desc,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "asc" => Ok(Self::Asc),
            "desc" => Ok(Self::Desc),
            _ => Err(FieldError::new("order", "must be \"asc\" or \"desc\"")),
        }
    }
}

/// Page size of the list: 1 to 100 (docs/api-contract.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PageSize(u8);

impl PageSize {
    pub const DEFAULT: PageSize = PageSize(20);

    pub fn new(n: u32) -> Result<Self, FieldError> {
        match u8::try_from(n) {
            Ok(v) if (1..=100).contains(&v) => Ok(Self(v)),
            _ => Err(FieldError::new("limit", "must be between 1 and 100")),
        }
    }

    pub fn get(self) -> u32 {
        u32::from(self.0)
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u32> for PageSize {
    type Error = FieldError;
    fn try_from(n: u32) -> Result<Self, FieldError> {
        Self::new(n)
    }
}

impl From<PageSize> for u32 {
    fn from(p: PageSize) -> u32 {
        p.get()
    }
}

/// An opaque list cursor from a previous `next_page`. Only its shape is checked (URL-safe
/// characters, bounded length), so that a pasted link cannot smuggle anything into the
/// upstream query string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PageCursor(String);

impl PageCursor {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_CURSOR_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'=' | b'.'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new("page", "is not a valid page cursor"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PageCursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Parameters of one list call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub limit: PageSize,
    #[serde(default)]
    pub order: Order,
    #[serde(default)]
    pub page: Option<PageCursor>,
    /// GA only: profiles in this enforcement status. Pages may then hold fewer than
    /// `limit` profiles, or none, and still have a next page (docs/api-versions.md).
    #[serde(default)]
    pub enforcement: Option<EnforcementStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_next_page_means_no_more_pages() {
        let page: ProfilePage =
            serde_json::from_value(json!({"data": [], "next_page": ""})).unwrap();
        assert_eq!(page.next_page, None);
        let page: ProfilePage = serde_json::from_value(json!({"data": []})).unwrap();
        assert_eq!(page.next_page, None);
    }

    #[test]
    fn page_size_and_order_and_cursor_are_validated() {
        assert!(PageSize::new(0).is_err());
        assert!(PageSize::new(101).is_err());
        assert_eq!(PageSize::new(100).unwrap().get(), 100);
        assert_eq!(Order::parse("asc"), Ok(Order::Asc));
        assert!(Order::parse("ASC").is_err());
        assert!(PageCursor::parse("page_MjAyNS0wNS0xNFQwMDowMDowMFo=").is_ok());
        for bad in ["", "a&b=c", "a b", "x/y", &"a".repeat(513)] {
            assert!(PageCursor::parse(bad).is_err(), "{bad:?}");
        }
    }
}
