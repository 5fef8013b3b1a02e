//! Request and URL helpers every feature shares: query strings in and out, the one
//! check of an address the console may send a browser back to, and whether a request
//! asks for JSON. Below every feature, so that a feature needing them imports no other
//! feature.

/// What a URL component keeps as it is: RFC 3986's unreserved characters.
pub const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where the server functions are served (Leptos' default prefix, which every `#[server]`
/// of the console keeps).
pub const SERVER_FNS: &str = "/api/";

/// Longest address the console sends a browser back to.
const MAX_RETURN: usize = 2048;

/// `k=v&…`, each value percent-encoded whatever it holds (a filter is free text).
pub fn encode_query(params: &[(&str, String)]) -> String {
    let encode = |v: &str| percent_encoding::utf8_percent_encode(v, ESCAPED).to_string();
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `path?k=v&…` with empty values left out. Only for values that are URL-safe but for
/// `=` (tokens, ids, cursors); free text goes through [`encode_query`].
pub fn with_query(path: String, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", v.replace('=', "%3D")))
        .collect();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// The request asks for a JSON answer: a server function's call, or an island's form
/// post (`ui::browser::post_form`). Such requests are never answered with a page or a
/// redirect.
#[cfg(feature = "ssr")]
pub fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// A CSV line (downloads) being written onto the end of a buffer, so that a file of a
/// million rows is built without a string per cell: cells separated by commas, quoted
/// when they must be, the line ended by CRLF (RFC 4180); and never a formula — a cell a
/// spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, carriage return first) gets a
/// leading `'`, its text kept (OWASP's advice on CSV injection).
#[cfg(feature = "ssr")]
pub struct CsvLine<'a> {
    out: &'a mut String,
    first: bool,
}

#[cfg(feature = "ssr")]
impl<'a> CsvLine<'a> {
    pub fn new(out: &'a mut String) -> Self {
        Self { out, first: true }
    }

    pub fn cell(&mut self, text: &str) {
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quoted = text.contains([',', '"', '\n', '\r']);
        if quoted {
            self.out.push('"');
        }
        if formula {
            self.out.push('\'');
        }
        for (n, part) in text.split('"').enumerate() {
            if n > 0 {
                self.out.push_str("\"\"");
            }
            self.out.push_str(part);
        }
        if quoted {
            self.out.push('"');
        }
    }

    pub fn end(self) {
        self.out.push_str("\r\n");
    }
}

/// A whole CSV line of `cells` ([`CsvLine`]).
#[cfg(feature = "ssr")]
pub fn csv_line<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut line = CsvLine::new(&mut out);
    for cell in cells {
        line.cell(cell);
    }
    line.end();
    out
}

/// The value of query parameter `name` in a request's address (server side).
#[cfg(feature = "ssr")]
pub fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Where to send a browser back to, from a `Referer` or a `Location` that another piece of
/// code made: the path and query of an absolute URL (a browser's `Referer` names this
/// console's origin; a foreign one's path is only ever a path of ours), or the address as
/// it is, if it is a page of this console ([`own_path`]); else `/`. `//evil.example/x`,
/// `/\evil.example` and `javascript:…` all come back as `/`.
#[cfg(feature = "ssr")]
pub fn return_path(raw: &str) -> String {
    let path = match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        Ok(_) => return "/".to_owned(),
        Err(_) => raw.to_owned(),
    };
    own_path(&path).map_or_else(|| "/".to_owned(), str::to_owned)
}

/// `raw` if it is an address of this console to send a browser back to: a path of ours,
/// never another site (`//evil.example`, `/\evil.example`), visible ASCII only so that
/// it is always a valid `Location`.
pub fn own_path(raw: &str) -> Option<&str> {
    let ours = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && raw.len() <= MAX_RETURN
        && raw.bytes().all(|b| b.is_ascii_graphic());
    ours.then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        let cell = |text: &str| csv_line([text]).trim_end_matches("\r\n").to_owned();
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_line(["a", "", "b,c"]), "a,,\"b,c\"\r\n");
    }

    #[test]
    fn free_text_is_encoded_whole() {
        assert_eq!(
            encode_query(&[("actor", "a&b=c d#é".into()), ("page", "x_y.z~".into())]),
            "actor=a%26b%3Dc%20d%23%C3%A9&page=x_y.z~"
        );
    }

    #[test]
    fn only_paths_of_this_console_are_places_to_return_to() {
        assert_eq!(own_path("/profiles?x=1"), Some("/profiles?x=1"));
        for foreign in [
            "",
            "profiles",
            "https://evil.example/",
            "//evil.example/x",
            "///evil.example/x",
            "/\\evil.example",
            "/a b",
            "/profiles\r\nSet-Cookie: x",
        ] {
            assert_eq!(own_path(foreign), None, "{foreign:?}");
        }
        assert_eq!(own_path(&format!("/{}", "a".repeat(MAX_RETURN))), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_browser_goes_back_only_to_a_page_of_this_console() {
        for (raw, back) in [
            ("http://127.0.0.1:3000/search?q=a%20b", "/search?q=a%20b"),
            ("https://console.example/profiles", "/profiles"),
            ("/audit?actor=ana", "/audit?actor=ana"),
            // A foreign origin's path is a path of ours: nothing leaves the console.
            ("https://evil.example/x", "/x"),
            ("//evil.example/x", "/"),
            ("/\\evil.example", "/"),
            ("javascript:alert(1)", "/"),
            ("data:text/html,<script>", "/"),
            ("", "/"),
            ("profiles", "/"),
            ("http://127.0.0.1:3000/a b", "/a%20b"),
            ("/a\r\nSet-Cookie: x", "/"),
        ] {
            assert_eq!(return_path(raw), back, "{raw:?}");
        }
    }
}
