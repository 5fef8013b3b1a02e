-- The audit trail: one row per recorded action. Rows are only ever added, and a row's
-- outcome is filled in once, when the upstream call it records has answered. `id` is made
-- by the console (32 hex digits); `at` is RFC 3339 UTC with microseconds, so text order is
-- time order; `changes` is a JSON array of {"field", "old", "new"}.
CREATE TABLE audit_events (
    id                  TEXT PRIMARY KEY,
    at                  TEXT NOT NULL,
    actor               TEXT NOT NULL,
    role                TEXT,
    action              TEXT NOT NULL,
    profile_id          TEXT,
    outcome             TEXT NOT NULL,
    detail              TEXT,
    changes             TEXT NOT NULL,
    request_id          TEXT,
    upstream_request_id TEXT
);

CREATE INDEX audit_events_by_time ON audit_events (at, id);
CREATE INDEX audit_events_by_profile ON audit_events (profile_id, at, id);
CREATE INDEX audit_events_by_actor ON audit_events (actor, at, id);
