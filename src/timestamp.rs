//! Times, in every form the console reads or writes them: RFC 3339 on the wire
//! (`created_at`, `updated_at`, `expires_at`), how pages show them, and the fixed-width
//! stamps the console's database stores. One file, below every feature.
//!
//! Formatted and parsed by hand: `time`'s formatting and RFC 3339 machinery would add
//! about 10 KB of WASM (1.5 KB gzip on the main module) to every page for a few fixed
//! layouts and a small grammar (RFC 3339 §5.6). The tests hold this code to `time`'s own
//! answers.

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

/// For `#[serde(with = "crate::timestamp")]`: written in UTC with the fraction it has.
pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339(*at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&raw).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 timestamp"))
}

/// For `#[serde(with = "crate::timestamp::option")]`: an optional wire time.
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(
        at: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?
            .map(|raw| {
                super::parse(&raw)
                    .ok_or_else(|| serde::de::Error::custom("not an RFC 3339 timestamp"))
            })
            .transpose()
    }
}

/// `2026-03-15 10:00 UTC`: unambiguous for staff in every time zone.
pub fn utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// RFC 3339 in UTC with the fraction the time has (`…T10:00:00.117Z`), for `datetime`
/// attributes and for the edit form's "loaded at" stamp.
pub fn rfc3339(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let fraction = match at.nanosecond() {
        0 => String::new(),
        n => format!(".{n:09}").trim_end_matches('0').to_owned(),
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// "3 days ago", "in 5 min": the distance from `now`, in the largest whole unit.
pub fn relative(at: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (at - now).whole_seconds();
    let (n, unit) = match seconds.unsigned_abs() {
        s if s < 60 => return "just now".to_owned(),
        s if s < 3600 => (s / 60, "min"),
        s if s < 86_400 => (s / 3600, "h"),
        s if s < 86_400 * 60 => (s / 86_400, "day"),
        s if s < 86_400 * 730 => (s / (86_400 * 30), "month"),
        s => (s / (86_400 * 365), "year"),
    };
    let plural = if n != 1 && matches!(unit, "day" | "month" | "year") {
        "s"
    } else {
        ""
    };
    if seconds < 0 {
        format!("{n} {unit}{plural} ago")
    } else {
        format!("in {n} {unit}{plural}")
    }
}

/// "14:05" left until `at`, or `None` once it has passed.
pub fn countdown(at: OffsetDateTime, now: OffsetDateTime) -> Option<String> {
    let left = (at - now).whole_seconds();
    (left > 0).then(|| {
        let (h, m, s) = (left / 3600, left % 3600 / 60, left % 60);
        if h > 0 {
            format!("{h}:{m:02}:{s:02}")
        } else {
            format!("{m}:{s:02}")
        }
    })
}

/// The current time as the database stores it (server only): RFC 3339 UTC with microseconds, always the same width, so
/// that text order is time order in both databases.
#[cfg(feature = "ssr")]
pub fn stamp_now() -> String {
    stamp(OffsetDateTime::now_utc())
}

/// [`stamp_now`] for any time.
#[cfg(feature = "ssr")]
pub fn stamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// The stamp of a day's first instant (UTC): a day filter's bound in the database.
#[cfg(feature = "ssr")]
pub fn day_stamp(day: Date) -> String {
    stamp(day.midnight().assume_utc())
}

/// `2026-03-24 09:05:07 UTC` from a stored stamp: an audit trail shows seconds
/// (pages show minutes, [`utc`]). Anything else is shown as it is.
pub fn stored_utc(stamp: &str) -> String {
    match (stamp.get(..10), stamp.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => stamp.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;
    use time::macros::datetime;

    #[test]
    fn relative_times_use_the_largest_whole_unit() {
        let now = datetime!(2026-11-24 12:00 UTC);
        assert_eq!(
            relative(datetime!(2026-11-24 11:59:30 UTC), now),
            "just now"
        );
        assert_eq!(relative(datetime!(2026-11-24 11:55 UTC), now), "5 min ago");
        assert_eq!(relative(datetime!(2026-11-24 09:00 UTC), now), "3 h ago");
        assert_eq!(relative(datetime!(2026-11-23 12:00 UTC), now), "1 day ago");
        assert_eq!(
            relative(datetime!(2026-09-01 12:00 UTC), now),
            "2 months ago"
        );
        assert_eq!(
            relative(datetime!(2024-01-01 12:00 UTC), now),
            "2 years ago"
        );
        assert_eq!(relative(datetime!(2026-11-24 12:15 UTC), now), "in 15 min");
    }

    #[test]
    fn countdowns_end_at_zero() {
        let now = datetime!(2026-11-24 12:00 UTC);
        assert_eq!(
            countdown(datetime!(2026-11-24 12:15 UTC), now).as_deref(),
            Some("15:00")
        );
        assert_eq!(
            countdown(datetime!(2026-11-24 12:00:09 UTC), now).as_deref(),
            Some("0:09")
        );
        assert_eq!(
            countdown(datetime!(2026-11-24 13:01:02 UTC), now).as_deref(),
            Some("1:01:02")
        );
        assert_eq!(countdown(now, now), None);
    }

    #[test]
    fn formats_in_utc_whatever_the_offset() {
        assert_eq!(
            utc(datetime!(2026-03-15 12:30 +02:00)),
            "2026-03-15 10:30 UTC"
        );
        assert_eq!(
            rfc3339(datetime!(2026-03-15 10:00:00.117 UTC)),
            "2026-03-15T10:00:00.117Z"
        );
        assert_eq!(
            rfc3339(datetime!(2026-03-15 12:00:05 +02:00)),
            "2026-03-15T10:00:05Z"
        );
        // The same instant as `time`'s own RFC 3339, and it parses back exactly.
        let at = datetime!(2026-11-24 16:30:01.000123456 UTC);
        let ours = rfc3339(at);
        let theirs = at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(
            OffsetDateTime::parse(&ours, &time::format_description::well_known::Rfc3339).unwrap(),
            at
        );
    }

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
            #[serde(with = "crate::timestamp")]
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

    #[test]
    #[cfg(feature = "ssr")]
    fn stamps_sort_as_text_in_time_order() {
        let a = time::macros::datetime!(2026-03-24 09:05:07.000_001 UTC);
        let b = time::macros::datetime!(2026-03-24 10:00:00 +01:00);
        assert_eq!(stamp(a), "2026-03-24T09:05:07.000001Z");
        assert_eq!(stamp(b), "2026-03-24T09:00:00.000000Z");
        assert!(stamp(b) < stamp(a));
    }

    #[test]
    fn stored_stamps_show_to_the_second() {
        assert_eq!(
            stored_utc("2026-03-24T09:05:07.000001Z"),
            "2026-03-24 09:05:07 UTC"
        );
        assert_eq!(stored_utc("junk"), "junk");
    }
}
