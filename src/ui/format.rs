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
