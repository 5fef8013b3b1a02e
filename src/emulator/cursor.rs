//! The emulator's list cursor: `page_` + base64url of (order, last `created_at`, last id),
//! as docs/api-contract.md §5 suggests. Opaque to clients; reusing one with another order is an error
//! (docs/api-contract.md, judgement 10).

use crate::profiles::model::Order;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use time::OffsetDateTime;

const PREFIX: &str = "page_";

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub order: Order,
    pub created_at: OffsetDateTime,
    pub id: String,
}

pub fn encode(position: &Position) -> String {
    let raw = format!(
        "{}|{}|{}",
        position.order.as_str(),
        position.created_at.unix_timestamp_nanos(),
        position.id
    );
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw))
}

/// `None` for anything this emulator did not issue.
pub fn decode(cursor: &str) -> Option<Position> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.strip_prefix(PREFIX)?).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(3, '|');
    let order = Order::parse(parts.next()?).ok()?;
    let nanos = parts.next()?.parse::<i128>().ok()?;
    let id = parts.next()?.to_owned();
    Some(Position {
        order,
        created_at: OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn round_trips() {
        let p = Position {
            order: Order::Asc,
            created_at: datetime!(2026-03-15 10:00:00.123 UTC),
            id: "uprof_011CZkZCu8hGbp5mYRQgUmz9".into(),
        };
        let cursor = encode(&p);
        assert!(cursor.starts_with("page_"));
        assert!(cursor[5..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&cursor), Some(p));
    }

    #[test]
    fn rejects_garbage() {
        let forged = format!("page_{}", URL_SAFE_NO_PAD.encode("sideways|1|uprof_x"));
        for bad in [
            "",
            "page_",
            "page_!!!",
            "cursor_abc",
            "page_MjAyNS0wNS0xNFQwMDowMDowMFo",
            forged.as_str(),
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
