//! Reading values a later API version may extend: a known value, or the raw one kept as
//! it came.

use serde::de::{DeserializeOwned, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::marker::PhantomData;

/// A value read from upstream that a newer API version may extend. An unknown value is
/// kept as it came, to be shown as it is, instead of failing the whole response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Known(T),
    Unknown(String),
}

/// Read as the string it is on the wire, then matched against `T`'s names. Not serde's
/// `untagged`, which would first copy every value into a buffer to try each variant: a list
/// page reads several of these per profile.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<T: DeserializeOwned> Visitor<'_> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<Self::Value, E> {
        let known = T::deserialize(IntoDeserializer::<E>::into_deserializer(raw));
        Ok(known.map_or_else(|_| Lenient::Unknown(raw.to_owned()), Lenient::Known))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum GrantStatus {
        Active,
    }

    #[test]
    fn known_values_are_read_unknown_ones_kept_and_non_strings_refused() {
        let read = |json: &str| serde_json::from_str::<Lenient<GrantStatus>>(json);
        assert_eq!(
            read(r#""active""#).unwrap(),
            Lenient::Known(GrantStatus::Active)
        );
        assert_eq!(
            read(r#""under_appeal""#).unwrap(),
            Lenient::Unknown("under_appeal".to_owned())
        );
        // Escaped on the wire: serde_json hands over an unescaped copy.
        assert_eq!(
            read(r#""activ\u0065""#).unwrap(),
            Lenient::Known(GrantStatus::Active)
        );
        assert!(read("7").is_err());
        assert!(read("null").is_err());
        // Written back as the plain value, either way.
        let unknown = Lenient::<GrantStatus>::Unknown("under_appeal".to_owned());
        assert_eq!(
            serde_json::to_string(&unknown).unwrap(),
            r#""under_appeal""#
        );
        assert_eq!(
            serde_json::to_string(&Lenient::Known(GrantStatus::Active)).unwrap(),
            r#""active""#
        );
    }
}
