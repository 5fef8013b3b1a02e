//! RFC 3339 timestamps on the wire (`created_at`, `updated_at`, `expires_at`), read and
//! written by hand. `time`'s own RFC 3339 parser and formatter would add about 1.5 KB of
//! gzip to the browser bundle's main module, which every page loads; the grammar needed
//! here is small (RFC 3339 §5.6) and the tests hold this code to `time`'s answers.

use serde::{Deserialize, Deserializer, Serializer};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` and `Z` in either case.
pub fn parse(raw: &str) -> Option<OffsetDateTime> {
    let b = raw.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let at = |i: usize, c: u8| b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&c));
    if !(at(4, b'-') && at(7, b'-') && at(10, b't') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let month = Month::try_from(u8::try_from(digits(5, 2)?).ok()?).ok()?;
    let date = Date::from_calendar_date(
        i32::try_from(digits(0, 4)?).ok()?,
        month,
        u8::try_from(digits(8, 2)?).ok()?,
    )
    .ok()?;
    let mut i = 19;
    let mut nanos = 0u32;
    if at(i, b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let fraction = &b[start..i];
        if fraction.is_empty() {
            return None;
        }
        // Nanoseconds: the first nine digits, right-padded; further digits are dropped.
        nanos = (0..9).try_fold(0u32, |n, k| {
            let d = fraction.get(k).copied().unwrap_or(b'0');
            Some(n * 10 + u32::from(d - b'0'))
        })?;
    }
    let offset = match b.get(i..)? {
        [z] if z.eq_ignore_ascii_case(&b'z') => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (digits(i + 1, 2)?, digits(i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let (h, m) = (i8::try_from(h).ok()?, i8::try_from(m).ok()?);
            let (h, m) = if *sign == b'-' { (-h, -m) } else { (h, m) };
            UtcOffset::from_hms(h, m, 0).ok()?
        }
        _ => return None,
    };
    let time = Time::from_hms_nano(
        u8::try_from(digits(11, 2)?).ok()?,
        u8::try_from(digits(14, 2)?).ok()?,
        u8::try_from(digits(17, 2)?).ok()?,
        nanos,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// For `#[serde(with = "timestamp")]`: written in UTC with the fraction it has.
pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&crate::ui::format::rfc3339(*at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&raw).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 timestamp"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    #[test]
    fn reads_what_time_reads() {
        for raw in [
            "2026-03-24T12:34:56Z",
            "2026-03-24T12:34:56.1Z",
            "2026-03-24T12:34:56.123456789Z",
            "2026-03-24T12:34:56.000000001z",
            "2026-03-24t00:00:00+05:30",
            "2026-12-31T23:59:59.5-08:00",
            "2024-02-29T10:00:00+00:00",
            "1999-01-01T00:00:00-00:00",
        ] {
            let expected = OffsetDateTime::parse(raw, &Rfc3339).unwrap();
            assert_eq!(parse(raw), Some(expected), "{raw}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for raw in [
            "",
            "2026-03-24",
            "2026-03-24T12:34:56",
            "2026-03-24 12:34:56Z",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-03-24T24:00:00Z",
            "2026-03-24T12:60:00Z",
            "2026-03-24T12:34:56.Z",
            "2026-03-24T12:34:56+0530",
            "2026-03-24T12:34:56+24:00",
            "2026-03-24T12:34:56Zjunk",
            "+2026-03-24T12:34:56Z",
            "２０２６-03-24T12:34:56Z",
        ] {
            assert_eq!(parse(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn round_trips_through_serde() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct T {
            #[serde(with = "super")]
            at: OffsetDateTime,
        }
        let t = T {
            at: OffsetDateTime::parse("2026-03-24T12:34:56.120Z", &Rfc3339).unwrap(),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"at":"2026-03-24T12:34:56.12Z"}"#);
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), t);
        assert!(serde_json::from_str::<T>(r#"{"at":"yesterday"}"#).is_err());
    }
}
