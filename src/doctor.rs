//! `profiles-admin doctor`: is this deployment set up to work, and if not, why not
//! (docs/operations.md, "Doctor"). It reads and asks; it creates, migrates and changes
//! nothing, and never prints a secret.

use crate::config::{self, secret, Setting};
use crate::profiles::model::{ListQuery, PageSize};
use crate::upstream::error::ErrorKind;
use crate::upstream::retry::RetryPolicy;
use crate::upstream::{Client, UpstreamConfig};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Webhook signatures are refused when their timestamp is further than this from our
/// clock (docs/webhooks.md); a skew this large already breaks them.
const SKEW_FAILS: Duration = Duration::from_secs(300);
/// A skew worth fixing before it grows to [`SKEW_FAILS`].
const SKEW_NOTED: Duration = Duration::from_secs(30);
/// How long the upstream and the database each get to answer.
const PATIENCE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Unset and optional, or worth a look: not a failure.
    Note,
    Fail,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
}

/// A secret's presence, never its value.
#[derive(Debug, Serialize)]
pub struct Secret {
    pub variable: &'static str,
    /// `environment`, `file (_FILE)`, or absent.
    pub source: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub ok: bool,
    pub settings: Vec<Setting>,
    pub secrets: Vec<Secret>,
    pub checks: Vec<Check>,
}

fn check(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name,
        status,
        detail: detail.into(),
    }
}

/// Runs every check.
pub async fn examine(
    serve: &config::ServeArgs,
    data: &config::DataDir,
    settings: Vec<Setting>,
) -> Report {
    let mut checks = vec![data_dir(&data.path)];
    checks.push(match data.database() {
        Ok(location) => database(&location).await,
        Err(e) => check("database", Status::Fail, e),
    });
    checks.extend(upstream(serve).await);
    checks.push(webhook_secret());
    checks.push(public_origin(&serve.auth));
    let secrets = [
        config::API_KEY_VARIABLE,
        config::DATABASE_URL_VARIABLE,
        config::WEBHOOK_SECRET_VARIABLE,
    ]
    .into_iter()
    .map(|variable| Secret {
        variable,
        source: secret::source(variable),
    })
    .collect();
    Report {
        ok: checks.iter().all(|c| c.status != Status::Fail),
        settings,
        secrets,
        checks,
    }
}

fn data_dir(path: &Path) -> Check {
    const NAME: &str = "data directory";
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if !m.is_dir() => check(NAME, Status::Fail, format!("{shown} is not a directory")),
        Ok(_) => match writable(path) {
            Ok(()) => check(NAME, Status::Ok, format!("{shown}, writable")),
            Err(e) => check(
                NAME,
                Status::Fail,
                format!("{shown} is not writable: {}", e.kind()),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => check(
            NAME,
            Status::Note,
            format!("{shown} does not exist yet; the console creates it at its first start"),
        ),
        Err(e) => check(NAME, Status::Fail, format!("{shown}: {}", e.kind())),
    }
}

/// Whether a file can be made in `dir` (and is removed again).
fn writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(probe)
}

async fn database(location: &crate::db::Location) -> Check {
    const NAME: &str = "database";
    let place = location.describe();
    match crate::db::inspect(location).await {
        Ok(schema) if schema.unknown > 0 => check(
            NAME,
            Status::Fail,
            format!(
                "{place}: migrated by a newer console (migration {}); this one knows up to {}: \
                 upgrade it",
                schema.applied.unwrap_or_default(),
                schema.known
            ),
        ),
        Ok(schema) if schema.pending > 0 => check(
            NAME,
            Status::Note,
            format!(
                "{place}: reachable; {} migration(s) to apply at the next start (at {}, \
                 this console knows up to {})",
                schema.pending,
                schema.applied.map_or("none".into(), |v| v.to_string()),
                schema.known
            ),
        ),
        Ok(schema) => check(
            NAME,
            Status::Ok,
            format!("{place}: reachable, migrated (migration {})", schema.known),
        ),
        Err(e)
            if matches!(location, crate::db::Location::Sqlite(_))
                && e.contains("does not exist yet") =>
        {
            check(NAME, Status::Note, e)
        }
        Err(e) => check(NAME, Status::Fail, e),
    }
}

/// The key accepted, the version's fields, the clock: all from one one-row list.
async fn upstream(args: &config::ServeArgs) -> Vec<Check> {
    const NAME: &str = "upstream";
    let key = match config::api_key() {
        Ok(Some(key)) => key,
        Ok(None) => {
            return vec![check(
                NAME,
                Status::Note,
                "no API key: the console serves its built-in emulator",
            )]
        }
        Err(e) => return vec![check(NAME, Status::Fail, e)],
    };
    if let Err(e) = config::check_base_url(&args.base_url) {
        return vec![check(NAME, Status::Fail, e)];
    }
    let client = Client::new(UpstreamConfig {
        attempt_timeout: PATIENCE,
        retry: RetryPolicy {
            max_retries: 0,
            retry_after_cap: Duration::ZERO,
        },
        ..UpstreamConfig::new(args.base_url.clone(), args.api_version, Some(key))
    });
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            return vec![check(
                NAME,
                Status::Fail,
                format!("cannot build a client: {e}"),
            )]
        }
    };
    let query = ListQuery {
        limit: PageSize::new(1).expect("1 is a page size"),
        ..ListQuery::default()
    };
    let base = args.base_url.as_str().trim_end_matches('/');
    let reply = match client.list_raw(&query).await {
        Ok(reply) => reply,
        Err(e) => {
            let detail = match e.kind {
                ErrorKind::Authentication => format!(
                    "{base} refused the key (401 authentication_error): ANTHROPIC_API_KEY is \
                     wrong or revoked"
                ),
                ErrorKind::Permission => format!(
                    "{base} accepted the key but refused it this API (403 permission_error): \
                     the key's organization may not use user profiles"
                ),
                ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Dropped => {
                    format!("cannot reach {base}: {e}")
                }
                _ => format!("{base} answered a one-row list with an error: {e}"),
            };
            return vec![check(NAME, Status::Fail, detail)];
        }
    };
    let mut checks = vec![check(
        NAME,
        Status::Ok,
        format!("{base} reachable, key accepted (a one-row list)"),
    )];
    checks.push(version(args.api_version, reply.value.data.first()));
    checks.push(clock(reply.date, SystemTime::now()));
    checks
}

/// The version spoken, against what the organisation's profiles carry.
fn version(
    spoken: crate::profiles::model::ApiVersion,
    profile: Option<&serde_json::Value>,
) -> Check {
    const NAME: &str = "api version";
    let Some(profile) = profile else {
        return check(
            NAME,
            Status::Note,
            format!("speaks {spoken}; the organization has no profile to look at yet"),
        );
    };
    let enforcement = profile.get("enforcement_status").is_some();
    match (spoken.is_ga(), enforcement) {
        (true, true) => check(
            NAME,
            Status::Ok,
            format!("speaks {spoken}; profiles carry enforcement fields"),
        ),
        (true, false) => check(
            NAME,
            Status::Note,
            format!(
                "speaks {spoken}; profiles carry no enforcement fields: enforcement is not \
                 enabled for this organization, so the review queue's enforcement tabs stay empty"
            ),
        ),
        (false, _) => check(
            NAME,
            Status::Ok,
            format!("speaks {spoken} (a beta without programs or enforcement)"),
        ),
    }
}

/// Our clock against the upstream's `Date`.
fn clock(upstream: Option<SystemTime>, now: SystemTime) -> Check {
    const NAME: &str = "clock";
    let Some(upstream) = upstream else {
        return check(
            NAME,
            Status::Note,
            "the upstream sent no Date to compare with",
        );
    };
    let (skew, direction) = match upstream.duration_since(now) {
        Ok(ahead) => (ahead, "behind"),
        Err(e) => (e.duration(), "ahead of"),
    };
    let seconds = skew.as_secs();
    let said = format!("this machine's clock is {seconds} s {direction} the upstream's");
    if skew > SKEW_FAILS {
        check(
            NAME,
            Status::Fail,
            format!("{said}: webhook signatures allow 5 minutes; set up NTP"),
        )
    } else if skew > SKEW_NOTED {
        check(NAME, Status::Note, format!("{said}: worth fixing (NTP)"))
    } else {
        check(
            NAME,
            Status::Ok,
            format!("within {} s of the upstream's", seconds.max(1)),
        )
    }
}

fn webhook_secret() -> Check {
    const NAME: &str = "webhook secret";
    match config::webhook_secrets() {
        Ok(Some(secrets)) => check(
            NAME,
            Status::Ok,
            format!("{} signing secret(s) in the whsec_ form", secrets.count()),
        ),
        Ok(None) => check(
            NAME,
            Status::Note,
            "unset: the webhook endpoint is off (POST /webhooks/anthropic answers 404)",
        ),
        Err(e) => check(NAME, Status::Fail, e),
    }
}

/// The public origin, TLS and the proxies in front agree.
fn public_origin(auth: &config::AuthArgs) -> Check {
    const NAME: &str = "public origin";
    let Some(origin) = &auth.public_origin else {
        return check(
            NAME,
            Status::Note,
            "unset: no HSTS; forms are accepted from the address the console is reached at",
        );
    };
    if let Err(e) = crate::hardening::Deployment::new(Some(origin)) {
        return check(NAME, Status::Fail, e);
    }
    let loopback = matches!(origin.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match (origin.scheme(), auth.trusted_proxies.is_empty()) {
        ("https", false) => check(
            NAME,
            Status::Ok,
            format!(
                "{origin}: TLS at the proxy, HSTS on; proxies trusted: {}",
                auth.trusted_proxies.len()
            ),
        ),
        ("https", true) => check(
            NAME,
            Status::Note,
            format!(
                "{origin}: https, but no trusted proxy (PROFILES_TRUSTED_PROXIES): logs and \
                 sign-in limits will see the proxy's address, not the client's"
            ),
        ),
        ("http", _) if loopback => check(NAME, Status::Ok, format!("{origin}: this machine only")),
        _ => check(
            NAME,
            Status::Fail,
            format!(
                "{origin} is not https: sessions and forms would cross the network in the clear; \
                 terminate TLS at a proxy (docs/operations.md)"
            ),
        ),
    }
}

/// The report as a table for people.
pub fn table(report: &Report) -> String {
    use std::fmt::Write;
    let mut rows: Vec<(&str, &str, &str)> = report
        .settings
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.source.as_str(),
                s.value.as_deref().unwrap_or("-"),
            )
        })
        .collect();
    rows.extend(report.secrets.iter().map(|s| {
        let shown = if s.source.is_some() {
            "(a secret, not shown)"
        } else {
            "-"
        };
        (s.variable, s.source.unwrap_or("unset"), shown)
    }));
    let mut out = String::new();
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let _ = writeln!(out, "{:width$}  {:14}  VALUE", "SETTING", "SOURCE");
    for (key, source, value) in rows {
        let _ = writeln!(out, "{key:width$}  {source:14}  {value}");
    }
    out.push('\n');
    let width = report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "{:width$}  {:6}  DETAIL", "CHECK", "RESULT");
    for c in &report.checks {
        let status = match c.status {
            Status::Ok => "ok",
            Status::Note => "note",
            Status::Fail => "FAIL",
        };
        let _ = writeln!(out, "{:width$}  {status:6}  {}", c.name, c.detail);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_fine_within_30_s_noted_within_5_min_and_failed_beyond() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |s: i64| {
            if s >= 0 {
                now + Duration::from_secs(s as u64)
            } else {
                now - Duration::from_secs(s.unsigned_abs())
            }
        };
        assert_eq!(clock(Some(at(29)), now).status, Status::Ok);
        assert_eq!(clock(Some(at(-31)), now).status, Status::Note);
        let late = clock(Some(at(-301)), now);
        assert_eq!(late.status, Status::Fail);
        assert!(late.detail.contains("301 s ahead of"), "{}", late.detail);
        let early = clock(Some(at(600)), now);
        assert!(early.detail.contains("600 s behind"), "{}", early.detail);
        assert_eq!(clock(None, now).status, Status::Note);
    }

    #[test]
    fn ga_without_enforcement_fields_is_a_note_not_a_failure() {
        use crate::profiles::model::ApiVersion;
        let ga = ApiVersion::for_console("ga").unwrap();
        let with = serde_json::json!({"id": "uprof_1", "enforcement_status": "unrestricted"});
        let without = serde_json::json!({"id": "uprof_1"});
        assert_eq!(version(ga, Some(&with)).status, Status::Ok);
        assert_eq!(version(ga, Some(&without)).status, Status::Note);
        assert_eq!(version(ga, None).status, Status::Note);
    }
}
