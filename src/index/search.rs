//! Search over the index: the same SQL for both databases but for how text is matched
//! (SQLite: an FTS5 trigram phrase; PostgreSQL: `ILIKE` served by the `pg_trgm` index;
//! below three characters, both: a substring test on each row, `instr` or `strpos`). The text is always bound as a value and matched as a
//! literal substring: no character of it is syntax.
//!
//! Profiles whose id or external id is exactly the text come first, on the first page,
//! found through their own indexes. The rest is one keyset range in the chosen order, which
//! an index of `indexed_profiles` serves (created time and id; or unnamed, name and id), so
//! a page stops after 26 rows and page 1,000 costs what page 1 does.

use super::store::Index;
use crate::db::Statement;
use crate::profiles::model::Profile;
use crate::profiles::search::query::{GrantFilter, SearchQuery, Sort};
use crate::profiles::search::results::{Matched, SearchHit, SearchPage};
use crate::timestamp::day_stamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use time::OffsetDateTime;

/// One profile of an export: as the API last returned it, and typed, with its programs
/// as known and when they were learned.
#[derive(Debug, Clone)]
pub struct Exported {
    pub profile: Profile,
    pub raw: String,
    pub programs_learned: Option<OffsetDateTime>,
}

/// Results per page.
pub const PAGE_SIZE: usize = 25;
/// Below this many characters no trigram index can help; both databases scan instead.
const TRIGRAM: usize = 3;
/// Most profiles one page looks through for text shorter than [`TRIGRAM`], which no
/// index narrows: a page stays fast at any size (about 35 ms on SQLite,
/// docs/performance.md), and "Keep looking" goes on from where it stopped.
pub const SHORT_TEXT_SCAN: usize = 10_000;
/// Characters of context shown either side of a match.
const CONTEXT: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// `after` does not decode to a position this console made.
    #[error("this results link is damaged; start the search again")]
    Cursor,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Where a page ended: the last row's order key (for the name order, whether it is
/// unnamed and its lowercased name; else its created time) and id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Position(u8, String, String);

impl Position {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("positions serialize"))
    }

    fn decode(raw: &str) -> Result<Self, SearchError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| SearchError::Cursor)?;
        let p: Self = serde_json::from_slice(&bytes).map_err(|_| SearchError::Cursor)?;
        (p.0 <= 1 && !p.2.is_empty())
            .then_some(p)
            .ok_or(SearchError::Cursor)
    }
}

/// `LIKE` pattern text for a literal: `\`, `%` and `_` escaped (with `ESCAPE '\'`).
pub(super) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An FTS5 string for a literal: in double quotes, inner quotes doubled, so that `OR`,
/// `*`, `NEAR`, `:`, `^` and the rest are text.
pub(super) fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

impl Index {
    /// The other profiles the index holds with the external id (GA: reference id) that it
    /// holds for `id`, newest first, at most `limit`: (id, name). None when it holds no
    /// external id for `id`. One range of the external id's index, whatever the size.
    pub async fn sharing_external_id(
        &self,
        id: &str,
        limit: u32,
    ) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT o.id, o.name FROM indexed_profiles p \
             JOIN indexed_profiles o ON o.external_id = p.external_id AND o.id <> p.id \
             WHERE p.id = $1 AND o.gone_at IS NULL \
             ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
    }

    /// The profiles the index holds with `external_id`, but for `except`, newest first,
    /// at most `limit`: (id, name). One range of the external id's index.
    pub async fn holding_external_id(
        &self,
        external_id: &str,
        except: Option<&str>,
        limit: u32,
    ) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, name FROM indexed_profiles WHERE external_id = $1 AND id <> $2 \
             AND gone_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(external_id)
        .bind(except.unwrap_or_default())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
    }

    /// Most profiles a page of short-text search looks through.
    fn short_text_scan(&self) -> usize {
        self.short_text_scan.unwrap_or(SHORT_TEXT_SCAN)
    }

    /// One page of results for `query`.
    pub async fn search(&self, query: &SearchQuery) -> Result<SearchPage, SearchError> {
        let after = query.after.as_deref().map(Position::decode).transpose()?;
        let text = query.text.as_str();
        let mut hits = Vec::new();
        if after.is_none() {
            for row in self.exact_rows(query).await? {
                hits.extend(known(&row)?.map(|(p, at)| hit(&p, at, true, text)));
            }
        }
        let (rows, next, stopped) = self.ordered_rows(query, after.as_ref(), PAGE_SIZE).await?;
        for row in &rows {
            hits.extend(known(row)?.map(|(p, at)| hit(&p, at, false, text)));
        }
        Ok(SearchPage {
            hits,
            next: next.map(|p| p.encode()),
            can_export: false,
            looked_through: stopped.then_some(self.short_text_scan() as u64),
        })
    }

    /// Every profile `query` finds, `limit` at a time, for an export: the exact matches
    /// with the first chunk, then the rest in the query's order; `after` is the `next` of
    /// the chunk before. Each as the API last returned it, and typed with its programs as
    /// known.
    pub async fn export_chunk(
        &self,
        query: &SearchQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Exported>, Option<String>), SearchError> {
        let after = after.map(Position::decode).transpose()?;
        let mut rows = if after.is_none() {
            self.exact_rows(query).await?
        } else {
            Vec::new()
        };
        let (ordered, next, _) = self.ordered_rows(query, after.as_ref(), limit).await?;
        rows.extend(ordered);
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some((profile, programs_learned)) = known(row)? {
                out.push(Exported {
                    profile,
                    raw: row.try_get("raw")?,
                    programs_learned,
                });
            }
        }
        Ok((out, next.map(|p| p.encode())))
    }

    /// The metadata keys held by the profiles `query` finds, A to Z, at most `limit`: an
    /// export's columns, counted by the database, never by holding the rows.
    pub async fn search_keys(
        &self,
        query: &SearchQuery,
        limit: usize,
    ) -> Result<Vec<String>, sqlx::Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        if query.is_empty() {
            return self.every_key(limit).await;
        }
        let mut s = Statement::new();
        let mut conditions = vec![Self::filters(&mut s, query)];
        let text = query.text.as_str();
        if !text.is_empty() {
            let found = text_match(self.postgres, &mut s, text);
            let exact = s.text(text);
            conditions.push(format!(
                "({found} OR p.id = {exact} OR p.external_id = {exact})"
            ));
        }
        s.sql = format!(
            "SELECT DISTINCT k.meta_key FROM indexed_metadata_keys k \
             JOIN indexed_profiles p ON p.id = k.profile_id WHERE {} \
             ORDER BY k.meta_key LIMIT {}",
            conditions.join(" AND "),
            s.int(limit)
        );
        sqlx::query_scalar_with(&s.sql, s.args)
            .fetch_all(&self.pool)
            .await
    }

    /// Every metadata key a profile holds, A to Z, at most `limit`: one step down the
    /// key index per distinct key (a loose index scan), where `DISTINCT` would read all
    /// of its millions of rows. Only profiles not gone keep key rows (`store.rs`), so no
    /// join is needed.
    async fn every_key(&self, limit: i64) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "WITH RECURSIVE keys(k) AS ( \
               SELECT MIN(meta_key) FROM indexed_metadata_keys \
               UNION ALL \
               SELECT (SELECT MIN(meta_key) FROM indexed_metadata_keys WHERE meta_key > keys.k) \
               FROM keys WHERE keys.k IS NOT NULL) \
             SELECT k FROM keys WHERE k IS NOT NULL LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// The profiles whose id or external id is the search text exactly (shown first).
    async fn exact_rows(&self, query: &SearchQuery) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
        let text = query.text.as_str();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let mut s = Statement::new();
        let exact = s.text(text);
        let filters = Self::filters(&mut s, query);
        s.sql = format!(
            "SELECT p.raw, p.programs, p.programs_at FROM indexed_profiles p WHERE (p.id = {exact} OR p.external_id = {exact}) \
             AND {filters} ORDER BY p.created_at DESC, p.id DESC LIMIT {}",
            s.int(i64::try_from(PAGE_SIZE).expect("small"))
        );
        sqlx::query_with(&s.sql, s.args).fetch_all(&self.pool).await
    }

    /// What `query` finds, the exact matches excluded, as conditions on `p`, and whether
    /// its text is short: then the text's own condition is left to the caller (see
    /// [`Index::ordered_rows`]).
    fn conditions(&self, s: &mut Statement, query: &SearchQuery) -> (Vec<String>, bool) {
        let text = query.text.as_str();
        let mut conditions = vec![Self::filters(s, query)];
        let short = !text.is_empty() && text.chars().count() < TRIGRAM;
        if !text.is_empty() {
            if !short {
                conditions.push(text_match(self.postgres, s, text));
            }
            let exact = s.text(text);
            conditions.push(format!(
                "p.id <> {exact} AND (p.external_id IS NULL OR p.external_id <> {exact})"
            ));
        }
        (conditions, short)
    }

    /// Up to `limit` rows after `after` in the query's order, where the next page
    /// starts, and whether the page stopped early. Text shorter than three characters is
    /// tested row by row, so a page looks through at most [`SHORT_TEXT_SCAN`] profiles
    /// in order: it finds the last of them first (one walk of the order's index), then
    /// tests only up to it; short of a full page, the next starts after it.
    async fn ordered_rows(
        &self,
        query: &SearchQuery,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<(Vec<sqlx::any::AnyRow>, Option<Position>, bool), SearchError> {
        let where_from = |s: &mut Statement| {
            let (mut conditions, short) = self.conditions(s, query);
            if let Some(after) = after {
                conditions.push(keyset(s, query.sort, after, true));
            }
            (conditions, short)
        };
        let mut s = Statement::new();
        let (mut conditions, short) = where_from(&mut s);
        let (columns, order) = match query.sort {
            Sort::Newest => (
                "CAST(0 AS BIGINT), p.created_at",
                "p.created_at DESC, p.id DESC",
            ),
            Sort::Oldest => (
                "CAST(0 AS BIGINT), p.created_at",
                "p.created_at ASC, p.id ASC",
            ),
            Sort::Name => (
                "p.unnamed, p.sort_name",
                "p.unnamed ASC, p.sort_name ASC, p.id ASC",
            ),
        };
        let mut bound = None;
        if short {
            let mut b = Statement::new();
            let (scanned, _) = where_from(&mut b);
            b.sql = format!(
                "SELECT {columns}, p.id FROM indexed_profiles p WHERE {} ORDER BY {order} \
                 LIMIT 1 OFFSET {}",
                scanned.join(" AND "),
                self.short_text_scan() - 1
            );
            bound = sqlx::query_with(&b.sql, b.args)
                .fetch_optional(&self.pool)
                .await?
                .map(|row| position(&row))
                .transpose()?;
            if let Some(last) = &bound {
                conditions.push(keyset(&mut s, query.sort, last, false));
            }
            conditions.push(text_match(self.postgres, &mut s, &query.text));
        }
        s.sql = format!(
            "SELECT {columns}, p.id, p.raw, p.programs, p.programs_at FROM indexed_profiles p WHERE {} ORDER BY {order} LIMIT {}",
            conditions.join(" AND "),
            s.int(i64::try_from(limit + 1).expect("small"))
        );
        let mut rows = sqlx::query_with(&s.sql, s.args)
            .fetch_all(&self.pool)
            .await?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = rows.last().filter(|_| more).map(position).transpose()?;
        Ok(match next {
            Some(next) => (rows, Some(next), false),
            None => {
                let stopped = bound.is_some();
                (rows, bound, stopped)
            }
        })
    }

    /// The filters of `query`, as one condition on `p`, profiles gone excluded.
    pub(super) fn filters(s: &mut Statement, query: &SearchQuery) -> String {
        let mut filters = vec!["p.gone_at IS NULL".to_owned()];
        if let Some(kind) = query.kind() {
            filters.push(format!("p.relationship = {}", s.text(kind)));
        }
        if let Some(status) = query.enforcement {
            filters.push(format!(
                "p.enforcement_status = {}",
                s.text(status.as_str())
            ));
        }
        let program = query
            .program
            .as_ref()
            .map(|name| format!(" AND g.grant_name = {}", s.text(name.as_str())))
            .unwrap_or_default();
        match (query.grant, program.is_empty()) {
            (Some(GrantFilter::Status(status)), _) => filters.push(format!(
                "EXISTS (SELECT 1 FROM indexed_grants g WHERE g.profile_id = p.id AND g.status = {}{program})",
                s.text(status.as_str())
            )),
            (Some(GrantFilter::None), _) => filters.push(format!(
                "NOT EXISTS (SELECT 1 FROM indexed_grants g WHERE g.profile_id = p.id{program})"
            )),
            (None, false) => filters.push(format!(
                "EXISTS (SELECT 1 FROM indexed_grants g WHERE g.profile_id = p.id{program})"
            )),
            (None, true) => {}
        }
        if let Some(reason) = &query.reason {
            filters.push(format!(
                "EXISTS (SELECT 1 FROM indexed_reasons r WHERE r.profile_id = p.id AND r.reason = {})",
                s.text(reason.as_str())
            ));
        }
        if let Some(from) = query.created_from {
            filters.push(format!("p.created_at >= {}", s.text(day_stamp(from))));
        }
        if let Some(to) = query.created_to {
            let end = to.next_day().map_or_else(|| "9999".to_owned(), day_stamp);
            filters.push(format!("p.created_at < {}", s.text(end)));
        }
        if let Some(key) = &query.has_key {
            filters.push(format!(
                "EXISTS (SELECT 1 FROM indexed_metadata_keys k WHERE k.profile_id = p.id AND k.meta_key = {})",
                s.text(key.as_str())
            ));
        }
        filters.join(" AND ")
    }
}

/// Where a row stands in the search's order.
fn position(row: &sqlx::any::AnyRow) -> Result<Position, sqlx::Error> {
    let unnamed: i64 = row.try_get(0)?;
    Ok(Position(
        u8::from(unnamed != 0),
        row.try_get(1)?,
        row.try_get("id")?,
    ))
}

/// The rows after `at` in `sort`'s order, or (`after` false) those up to it, `at`
/// included.
fn keyset(s: &mut Statement, sort: Sort, at: &Position, after: bool) -> String {
    let Position(unnamed, key, id) = at;
    let (key, id) = (s.text(key.as_str()), s.text(id.as_str()));
    let (before_op, after_op) = if after { ("<", ">") } else { (">=", "<=") };
    match sort {
        Sort::Newest => format!("(p.created_at, p.id) {before_op} ({key}, {id})"),
        Sort::Oldest => format!("(p.created_at, p.id) {after_op} ({key}, {id})"),
        Sort::Name => {
            let unnamed = s.int(i64::from(*unnamed));
            format!("(p.unnamed, p.sort_name, p.id) {after_op} ({unnamed}, {key}, {id})")
        }
    }
}

/// `p` holds `text` somewhere, as a literal substring, ignoring case. Below three
/// characters no trigram index can narrow the rows, so both databases test each row
/// in the page's order, at most [`SHORT_TEXT_SCAN`] of them a page. An `ILIKE` there would let PostgreSQL's planner pick
/// the trigram index anyway and read every entry of it (75 ms at 100,000 profiles,
/// docs/performance.md).
fn text_match(postgres: bool, s: &mut Statement, text: &str) -> String {
    if text.chars().count() < TRIGRAM {
        let needle = s.text(text);
        let find = if postgres { "strpos" } else { "instr" };
        format!("{find}(lower(p.search_text), lower({needle})) > 0")
    } else if postgres {
        let pattern = s.text(format!("%{}%", escape_like(text)));
        format!("p.search_text ILIKE {pattern} ESCAPE '\\'")
    } else {
        let phrase = s.text(fts_phrase(text));
        format!("p.doc IN (SELECT rowid FROM profile_text WHERE profile_text MATCH {phrase})")
    }
}

/// A stored profile; one that no longer parses is logged and left out.
fn parse(raw: &str) -> Option<Profile> {
    serde_json::from_str::<Profile>(raw)
        .map_err(|e| tracing::warn!(error = %e, "an indexed profile no longer parses"))
        .ok()
}

/// A result row's profile with its programs as a retrieve reported them, where the index
/// has them (docs/review.md), and when they were learned.
fn known(
    row: &sqlx::any::AnyRow,
) -> Result<Option<(Profile, Option<OffsetDateTime>)>, sqlx::Error> {
    let Some(mut profile) = parse(row.try_get("raw")?) else {
        return Ok(None);
    };
    let learned = crate::timestamp::parse(row.try_get("programs_at")?);
    if learned.is_some() {
        let programs: Option<String> = row.try_get("programs")?;
        profile.programs = programs.and_then(|p| serde_json::from_str(&p).ok());
    }
    Ok(Some((profile, learned)))
}

fn hit(
    p: &Profile,
    programs_learned: Option<OffsetDateTime>,
    exact: bool,
    text: &str,
) -> SearchHit {
    SearchHit {
        programs_learned,
        id: p.id.to_string(),
        external_id: p.external_id().map(str::to_owned),
        name: p.name.clone(),
        kind: p.kind().to_owned(),
        created_at: p.created_at,
        standing: p.standing(),
        enforcement: p.enforcement_status.as_ref().map(|e| e.label().to_owned()),
        exact,
        matched: matched(p, text),
    }
}

/// The first field (id, external id, name, hashes, metadata values, metadata keys) that holds `text`, ignoring
/// case, with context. `None` when nothing holds it as typed (a match that only ignoring
/// accents found).
pub(super) fn matched(p: &Profile, text: &str) -> Option<Matched> {
    if text.is_empty() {
        return None;
    }
    let mut fields: Vec<(String, &str)> = vec![("ID".into(), p.id.as_str())];
    fields.extend(p.external_id().map(|v| ("external ID".into(), v)));
    fields.extend(p.name.as_deref().map(|v| ("name".into(), v)));
    if let Some(details) = &p.external_user_details {
        fields.extend(
            details
                .email_hash
                .as_deref()
                .map(|v| ("email hash".into(), v)),
        );
        fields.extend(
            details
                .name_hash
                .as_deref()
                .map(|v| ("name hash".into(), v)),
        );
    }
    // Values before keys: an agent holds a value far more often than a key name.
    for (key, value) in &p.metadata {
        fields.push((format!("metadata {key}"), value.as_str()));
    }
    for key in p.metadata.keys() {
        fields.push(("metadata key".into(), key.as_str()));
    }
    fields.into_iter().find_map(|(field, value)| {
        let (start, end) = find_folded(value, text)?;
        let before: Vec<char> = value[..start].chars().collect();
        let skip = before.len().saturating_sub(CONTEXT);
        let mut lead: String = before[skip..].iter().collect();
        if skip > 0 {
            lead.insert(0, '…');
        }
        let rest = &value[end..];
        let mut tail: String = rest.chars().take(CONTEXT).collect();
        if rest.chars().count() > CONTEXT {
            tail.push('…');
        }
        Some(Matched {
            field,
            before: lead,
            text: value[start..end].to_owned(),
            after: tail,
        })
    })
}

/// Byte range of the first occurrence of `needle` in `hay`, comparing lowercased
/// characters, at character boundaries of `hay`.
fn find_folded(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    hay.char_indices().find_map(|(start, _)| {
        let mut wanted = needle.iter();
        for (i, c) in hay[start..].char_indices() {
            for folded in c.to_lowercase() {
                if wanted.next() != Some(&folded) {
                    return None;
                }
            }
            if wanted.as_slice().is_empty() {
                return Some((start, start + i + c.len_utf8()));
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(json: serde_json::Value) -> Profile {
        let mut base = serde_json::json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z"
        });
        base.as_object_mut()
            .unwrap()
            .extend(json.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn below_three_characters_both_databases_test_each_row() {
        let sql = |postgres: bool, text: &str| text_match(postgres, &mut Statement::new(), text);
        assert_eq!(
            sql(true, "株式"),
            "strpos(lower(p.search_text), lower($1)) > 0"
        );
        assert_eq!(
            sql(false, "株式"),
            "instr(lower(p.search_text), lower($1)) > 0"
        );
        assert!(sql(true, "株式会").contains("ILIKE"));
        assert!(sql(false, "株式会").contains("MATCH"));
    }

    #[test]
    fn like_and_fts_literals_carry_no_syntax() {
        assert_eq!(escape_like(r"100%_\x"), r"100\%\_\\x");
        assert_eq!(escape_like("plain"), "plain");
        assert_eq!(fts_phrase(r#"a "b" OR c*"#), r#""a ""b"" OR c*""#);
    }

    #[test]
    fn positions_round_trip_and_garbage_is_refused() {
        let p = Position(1, "zoë".into(), "uprof_1".into());
        assert_eq!(Position::decode(&p.encode()).unwrap(), p);
        let forged = URL_SAFE_NO_PAD.encode(br#"[2,"x","uprof_1"]"#);
        for bad in ["", "!!", "e30", forged.as_str()] {
            assert!(
                matches!(Position::decode(bad), Err(SearchError::Cursor)),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_match_is_found_ignoring_case_with_context() {
        let p = profile(serde_json::json!({
            "name": "Acme Analytics GmbH",
            "metadata": {"note": "x".repeat(40) + "Zürich office" + &"y".repeat(40), "plan": "planned"}
        }));
        let m = matched(&p, "analytics").unwrap();
        assert_eq!(
            (
                m.field.as_str(),
                m.before.as_str(),
                m.text.as_str(),
                m.after.as_str()
            ),
            ("name", "Acme ", "Analytics", " GmbH")
        );
        let m = matched(&p, "ZÜRICH").unwrap();
        assert_eq!(m.field, "metadata note");
        assert_eq!(m.text, "Zürich");
        assert_eq!(m.before, format!("…{}", "x".repeat(CONTEXT)));
        assert_eq!(m.after, format!(" office{}…", "y".repeat(CONTEXT - 7)));
        assert_eq!(matched(&p, "uprof_1").unwrap().field, "ID");
        // A value is shown before a key that also holds the text.
        assert_eq!(matched(&p, "PLAN").unwrap().field, "metadata plan");
        let key = matched(&p, "NOTE").unwrap();
        assert_eq!(
            (key.field.as_str(), key.text.as_str()),
            ("metadata key", "note")
        );
        assert!(matched(&p, "nowhere").is_none());
        assert!(matched(&p, "").is_none());
    }

    #[test]
    fn folding_keeps_character_boundaries() {
        assert_eq!(find_folded("İstanbul", "i̇s"), Some((0, 3)));
        assert_eq!(find_folded("李伟 Ltd", "伟"), Some((3, 6)));
        assert_eq!(find_folded("abc", "abcd"), None);
        assert_eq!(find_folded("🦀🦀x", "🦀X"), Some((4, 9)));
    }
}
