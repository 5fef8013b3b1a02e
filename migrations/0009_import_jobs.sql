-- Onboarding jobs (docs/onboarding.md, "Running a job"): a checked file's plan, a row at
-- a time, kept here so that a job survives a restart and can be resumed from another
-- process (the console or `profiles-admin import`). The file itself is not kept: each row
-- holds the request it will send. `file_sha256` finds the job of a file run again.
-- `runner` and `lease_until` say which process drives a running job and until when it
-- has promised to renew that claim; a lease run out is free to take.
CREATE TABLE import_jobs (
    id          TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    api_version TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    runner      TEXT,
    lease_until TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_jobs_by_file ON import_jobs (file_sha256, actor, api_version);
CREATE INDEX import_jobs_by_state ON import_jobs (state, lease_until);

-- One row of a job's file. `plan` is the dry run's outcome (create, update, unchanged,
-- error); `body` the request it sends, `changes` what it asks (JSON, for the audit
-- trail), `errors` why a row cannot run. `state`: waiting, sending (the request may have
-- reached the API: after a crash or a lost reply the row is looked for before it is sent
-- again), done, failed. `began_at` is when the latest send began; `audit_id` the pending
-- audit entry of that send; `result` created, updated, unchanged or adopted; `links_at`
-- when a link was last minted for it (never the link).
CREATE TABLE import_rows (
    job_id      TEXT NOT NULL,
    line        BIGINT NOT NULL,
    external_id TEXT NOT NULL,
    plan        TEXT NOT NULL,
    profile_id  TEXT,
    name        TEXT,
    body        TEXT,
    changes     TEXT,
    errors      TEXT,
    state       TEXT NOT NULL,
    result      TEXT,
    failure     TEXT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    began_at    TEXT,
    audit_id    TEXT,
    links_at    TEXT,
    PRIMARY KEY (job_id, line)
);
CREATE INDEX import_rows_by_state ON import_rows (job_id, state, line);
