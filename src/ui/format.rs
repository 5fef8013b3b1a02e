//! Text formats shared by the pages.

use time::{OffsetDateTime, UtcOffset};

// Formatted by hand: `time`'s formatting machinery would add ~10 KB to the WASM of every
// page for two fixed layouts.

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

/// Escapes text for an HTML text or attribute context.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn escapes_everything_that_could_open_a_tag_or_end_an_attribute() {
        assert_eq!(
            escape_html("</title><b a='x' b=\"y\">&"),
            "&lt;/title&gt;&lt;b a=&#39;x&#39; b=&quot;y&quot;&gt;&amp;"
        );
        assert_eq!(escape_html("Zoë 李伟"), "Zoë 李伟");
    }

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
}
