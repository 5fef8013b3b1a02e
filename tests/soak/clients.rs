//! The soak's clients, each a loop that works as a person (or the script) of its kind
//! would, as fast as the console answers, and writes down every answer: how long it took,
//! its status, and for each write what the client was told.

use profiles_admin::error::AppError;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One answer the console gave.
#[derive(Debug, Clone)]
pub struct Sample {
    pub route: &'static str,
    pub status: u16,
    pub seconds: f64,
    /// What the user was shown, for an answer 5xx.
    pub shown: Option<String>,
}

/// What a client was told of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Told {
    Succeeded,
    /// Refused before anything was attempted or recorded (the database away, the
    /// session gone, too many calls): no audit entry, no change.
    NotAttempted,
    Failed,
    /// Sent, but whether it happened is unknown.
    Uncertain,
    Refused,
    /// No answer came back from the console at all (the connection closed): the client
    /// knows nothing, so the console may have recorded it or not.
    NoAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Update { profile: String, value: String },
    Create { name: String },
    Link { profile: String },
    Delete { profile: String },
}

/// One write a client asked for, with the `x-request-id` it sent (the audit entry's).
#[derive(Debug, Clone)]
pub struct Write {
    pub request_id: String,
    pub asked: Asked,
    pub told: Told,
    pub status: u16,
    /// A create's new profile, as the answer named it.
    pub created: Option<String>,
}

#[derive(Default)]
pub struct Record {
    pub samples: Mutex<Vec<Sample>>,
    pub writes: Mutex<Vec<Write>>,
}

impl Record {
    fn sample(&self, route: &'static str, status: u16, started: Instant, shown: Option<String>) {
        self.samples.lock().unwrap().push(Sample {
            route,
            status,
            seconds: started.elapsed().as_secs_f64(),
            shown,
        });
    }
}

/// What every client shares: where the console is, the record, and when to stop.
#[derive(Clone)]
pub struct Shared {
    pub base: String,
    pub record: Arc<Record>,
    pub running: Arc<AtomicBool>,
}

impl Shared {
    fn running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }
}

/// A client's own HTTP connection pool, from one of eight loopback addresses, so that
/// sixty-four clients stay within the console's connections per address.
pub fn http(client: usize) -> reqwest::Client {
    let last = u8::try_from(2 + client % 8).unwrap();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// The message the user saw in an answer: a server function's error decoded as the
/// browser decodes it, or a page's text.
pub fn shown(body: &str) -> String {
    serde_json::from_str::<AppError>(body).map_or_else(|_| body.to_owned(), |e| e.to_string())
}

/// What a write's answer told its client.
fn told(status: u16, body: &str) -> Told {
    match status {
        0 => Told::NoAnswer,
        200 | 303 => Told::Succeeded,
        401 | 429 => Told::NotAttempted,
        409 | 403 => Told::Refused,
        502 | 504 => Told::Uncertain,
        503 => match serde_json::from_str::<AppError>(body) {
            Ok(AppError::DatabaseUnavailable | AppError::AuditUnavailable) => Told::NotAttempted,
            _ if shown(body).contains("database cannot be reached") => Told::NotAttempted,
            _ => Told::Failed,
        },
        _ => Told::Failed,
    }
}

struct Answer {
    status: u16,
    body: String,
}

async fn send(shared: &Shared, route: &'static str, request: reqwest::RequestBuilder) -> Answer {
    let started = Instant::now();
    let (status, body) = match request.send().await {
        Ok(reply) => {
            let status = reply.status().as_u16();
            (status, reply.text().await.unwrap_or_default())
        }
        // The console closed or never answered: recorded as status 0.
        Err(e) => (0, e.to_string()),
    };
    let failed = status >= 500 || status == 0;
    shared
        .record
        .sample(route, status, started, failed.then(|| shown(&body)));
    Answer { status, body }
}

/// A viewer: lists, searches, opens profiles, the review queue, the overview and the
/// audit log, in turn.
pub async fn viewer(shared: Shared, n: usize, cookie: String, ids: Arc<Vec<String>>) {
    let http = http(n);
    let mut turn = n;
    while shared.running() {
        turn += 1;
        let id = &ids[turn % ids.len()];
        let (route, path) = match turn % 7 {
            0 => ("/profiles", "/profiles".to_owned()),
            1 => ("/profiles/search", "/profiles/search?q=soak".to_owned()),
            2 => ("/profiles/:id", format!("/profiles/{id}")),
            3 => ("/review", "/review".to_owned()),
            4 => ("/overview", "/overview".to_owned()),
            5 => (
                "/profiles/search",
                "/profiles/search?q=soak+editor".to_owned(),
            ),
            _ => (
                "/profiles/search",
                format!("/profiles/search?q={}", &id[6..9]),
            ),
        };
        let request = http
            .get(format!("{}{path}", shared.base))
            .header("cookie", &cookie);
        send(&shared, route, request).await;
    }
}

/// An editor: sets the metadata value `soak` of its own profile again and again, each
/// time to a value never used before.
pub async fn editor(shared: Shared, n: usize, cookie: String, profile: String) {
    let http = http(n);
    let mut turn = 0;
    while shared.running() {
        turn += 1;
        let value = format!("e{n}-{turn}");
        let request_id = format!("soak-e{n}-{turn}");
        let request = http
            .post(format!("{}/api/profiles/update", shared.base))
            .header("cookie", &cookie)
            .header("x-request-id", &request_id)
            .json(&json!({
                "id": profile,
                "update": {"metadata": {"soak": value}},
                "unless_changed_since": null,
            }));
        let answer = send(&shared, "/api/profiles/update", request).await;
        write_down(
            &shared,
            request_id,
            Asked::Update {
                profile: profile.clone(),
                value,
            },
            &answer,
            None,
        );
    }
}

/// An admin: creates a profile, mints its enrollment link, and deletes it.
pub async fn admin(shared: Shared, n: usize, cookie: String) {
    let http = http(n);
    let mut turn = 0;
    while shared.running() {
        turn += 1;
        let name = format!("soak a{n} {turn}");
        let request_id = format!("soak-a{n}-{turn}-create");
        let request = http
            .post(format!("{}/api/profiles/create", shared.base))
            .header("cookie", &cookie)
            .header("x-request-id", &request_id)
            .json(&json!({"profile": {"name": name}}));
        let answer = send(&shared, "/api/profiles/create", request).await;
        let created = (answer.status == 200)
            .then(|| serde_json::from_str::<Value>(&answer.body).ok())
            .flatten()
            .and_then(|p| p["id"].as_str().map(str::to_owned));
        write_down(
            &shared,
            request_id,
            Asked::Create { name },
            &answer,
            created.clone(),
        );
        let Some(profile) = created else { continue };

        let request_id = format!("soak-a{n}-{turn}-link");
        let request = http
            .post(format!("{}/api/profiles/enrollment_url", shared.base))
            .header("cookie", &cookie)
            .header("x-request-id", &request_id)
            .form(&[("id", profile.as_str())]);
        let answer = send(&shared, "/api/profiles/enrollment_url", request).await;
        let asked = Asked::Link {
            profile: profile.clone(),
        };
        write_down(&shared, request_id, asked, &answer, None);

        let request_id = format!("soak-a{n}-{turn}-delete");
        let request = http
            .post(format!("{}/profiles/{profile}/delete", shared.base))
            .header("cookie", &cookie)
            .header("x-request-id", &request_id)
            .form(&[("confirm", profile.as_str())]);
        let answer = send(&shared, "/profiles/:id/delete", request).await;
        write_down(
            &shared,
            request_id,
            Asked::Delete { profile },
            &answer,
            None,
        );
    }
}

fn write_down(
    shared: &Shared,
    request_id: String,
    asked: Asked,
    answer: &Answer,
    created: Option<String>,
) {
    shared.record.writes.lock().unwrap().push(Write {
        request_id,
        asked,
        told: told(answer.status, &answer.body),
        status: answer.status,
        created,
    });
}

/// Anthropic's side: a program's status changes on a seeded profile four times a second,
/// as enrollment would change it, and the emulator delivers the webhook to the console.
/// Returns how many changes the emulator took.
pub async fn enrollment(shared: Shared, n: usize, emulator: String, ids: Arc<Vec<String>>) -> u64 {
    let http = reqwest::Client::new();
    let mut pace = tokio::time::interval(Duration::from_millis(250));
    let mut turn = 0;
    let mut changed = 0;
    while shared.running() {
        pace.tick().await;
        turn += 1;
        let id = &ids[(n * 19 + turn) % ids.len()];
        // Random, so that most changes change something (and so send a webhook).
        let status = ["active", "pending", "rejected"][usize::from(rand::random::<u8>() % 3)];
        let reply = http
            .put(format!(
                "{emulator}/_emulator/profiles/{id}/trust_grants/cyber"
            ))
            .json(&json!({ "status": status }))
            .send()
            .await;
        if reply.is_ok_and(|r| r.status().is_success()) {
            changed += 1;
        }
    }
    changed
}
