//! Times, in every form the console reads or writes them: RFC 3339 on the wire
//! (`created_at`, `updated_at`, `expires_at`), how pages show them, and the fixed-width
//! stamps the console's database stores. One file, below every feature.
//!
//! Formatted and parsed with `time`'s RFC 3339 and format descriptions. Only the islands
//! that show or read a time carry that code, in their own WASM chunks.

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` and `Z` in either case (and a space
/// for `T`, as RFC 3339 §5.6 allows).
pub fn parse(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw, &Rfc3339).ok()
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
    let layout = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(UtcOffset::UTC)
        .format(layout)
        .unwrap_or_default()
}

/// RFC 3339 in UTC with the fraction the time has (`…T10:00:00.117Z`), for `datetime`
/// attributes and for the edit form's "loaded at" stamp.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
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
    let layout =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    at.to_offset(UtcOffset::UTC)
        .format(layout)
        .unwrap_or_default()
}

/// `2026-03-24`: a day as an address and a date field give it.
pub fn ymd(day: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// The stamp of a day's first instant (UTC): a day filter's bound in the database.
#[cfg(feature = "ssr")]
pub fn day_stamp(day: time::Date) -> String {
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
    }

    #[test]
    fn reads_every_form_of_rfc3339() {
        for (raw, expected) in [
            ("2026-03-24T12:34:56Z", datetime!(2026-03-24 12:34:56 UTC)),
            ("2026-03-24 12:34:56Z", datetime!(2026-03-24 12:34:56 UTC)),
            (
                "2026-03-24T12:34:56.1Z",
                datetime!(2026-03-24 12:34:56.1 UTC),
            ),
            (
                "2026-03-24T12:34:56.000000001z",
                datetime!(2026-03-24 12:34:56.000000001 UTC),
            ),
            ("2026-03-24t00:00:00+05:30", datetime!(2026-03-23 18:30 UTC)),
            (
                "2026-12-31T23:59:59.5-08:00",
                datetime!(2027-01-01 07:59:59.5 UTC),
            ),
            ("2024-02-29T10:00:00+00:00", datetime!(2024-02-29 10:00 UTC)),
        ] {
            assert_eq!(parse(raw), Some(expected), "{raw}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for raw in [
            "",
            "2026-03-24",
            "2026-03-24T12:34:56",
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
