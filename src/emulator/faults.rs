//! Test hooks: injected faults and a log of what reached the emulator. Reached only through
//! `/_emulator/*`, which exists only when test hooks are enabled (see `docs/emulator.md`).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

/// What the next `/v1` request gets instead of a normal answer. Steps are used up one
/// per request, in order; when none are left, requests are served normally.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Answer with this error status, the documented error body, and extra headers
    /// (e.g. `retry-after-ms`, `x-should-retry`). Nothing is processed.
    Status {
        status: u16,
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
    /// Cut the connection before a complete answer. Nothing is processed.
    Drop,
    /// Process the request as normal (a create is kept, an update applied), then cut the
    /// connection before a complete answer, as a reply lost on the network would be: the
    /// client cannot tell whether its write happened.
    ApplyThenDrop,
    /// Answer 200 with a truncated JSON body. Nothing is processed.
    Malformed,
    /// Wait this long, then process and answer normally (to provoke client timeouts).
    Delay { ms: u64 },
    /// Answer with this error status, repeating the request's `x-api-key` in the error
    /// message and in an `x-echoed-key` header, as a careless upstream or proxy might
    /// (tests that the console never passes it on). Nothing is processed.
    EchoKey { status: u16 },
    /// Answer with this status and JSON body, whatever was asked, as a misbehaving
    /// upstream might (an enrollment URL that is not https, say). Nothing is processed.
    Answer {
        status: u16,
        body: serde_json::Value,
    },
}

/// The whole fault plan, replaced at once by `PUT /_emulator/faults`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// Added to every `/v1` request, before any step.
    #[serde(default)]
    pub latency_ms: u64,
    #[serde(default)]
    pub sequence: VecDeque<Fault>,
    /// Seconds added to the `Date` of every `/v1` answer, as a server whose clock is off
    /// would send (negative: behind). For clients that check their own clock against it.
    #[serde(default)]
    pub clock_skew_s: i64,
}

/// One request as the emulator saw it. Header values that could carry the key are never
/// recorded, only whether they were present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenRequest {
    pub method: String,
    /// Path and query string, as sent.
    pub uri: String,
    pub anthropic_beta: Option<String>,
    pub anthropic_version: Option<String>,
    pub has_x_api_key: bool,
    pub has_authorization: bool,
}

#[derive(Default)]
pub struct Hooks {
    plan: Mutex<FaultPlan>,
    seen: Mutex<Vec<SeenRequest>>,
}

impl Hooks {
    pub fn set_plan(&self, plan: FaultPlan) {
        *self.plan.lock().expect("fault plan lock") = plan;
    }

    /// The seconds every answer's `Date` is off by.
    pub fn clock_skew(&self) -> i64 {
        self.plan.lock().expect("fault plan lock").clock_skew_s
    }

    /// The added latency and the next step, if any, for one request.
    pub fn next(&self) -> (u64, Option<Fault>) {
        let mut plan = self.plan.lock().expect("fault plan lock");
        let latency = plan.latency_ms;
        (latency, plan.sequence.pop_front())
    }

    pub fn record(&self, request: SeenRequest) {
        self.seen.lock().expect("request log lock").push(request);
    }

    pub fn seen(&self) -> Vec<SeenRequest> {
        self.seen.lock().expect("request log lock").clone()
    }

    pub fn clear_seen(&self) {
        self.seen.lock().expect("request log lock").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plan_parses_the_documented_shape_and_is_consumed_in_order() {
        let plan: FaultPlan = serde_json::from_value(json!({
            "latency_ms": 5,
            "sequence": [
                {"kind": "status", "status": 529, "headers": {"retry-after-ms": "200"}},
                {"kind": "drop"},
                {"kind": "apply_then_drop"},
                {"kind": "malformed"},
                {"kind": "delay", "ms": 100}
            ]
        }))
        .unwrap();
        let hooks = Hooks::default();
        hooks.set_plan(plan);
        assert!(matches!(
            hooks.next(),
            (5, Some(Fault::Status { status: 529, .. }))
        ));
        assert_eq!(hooks.next(), (5, Some(Fault::Drop)));
        assert_eq!(hooks.next(), (5, Some(Fault::ApplyThenDrop)));
        assert_eq!(hooks.next(), (5, Some(Fault::Malformed)));
        assert_eq!(hooks.next(), (5, Some(Fault::Delay { ms: 100 })));
        assert_eq!(hooks.next(), (5, None));
    }

    #[test]
    fn unknown_fault_kinds_are_rejected() {
        assert!(
            serde_json::from_value::<FaultPlan>(json!({"sequence": [{"kind": "explode"}]}))
                .is_err()
        );
    }
}
