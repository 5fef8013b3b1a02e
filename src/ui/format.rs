//! Text formats shared by the pages.

use time::macros::format_description;
use time::OffsetDateTime;

/// `2026-03-15 10:00 UTC`: unambiguous for staff in every time zone.
pub fn utc(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
}

/// RFC 3339, for `datetime` attributes and raw views.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

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
    }
}
