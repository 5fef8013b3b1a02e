-- The profile index (docs/index.md): every profile the console has seen, its fields as
-- columns for filters and order, its text for search, and its JSON exactly as received.
-- Times are RFC 3339 UTC with nanoseconds, always the same width, so text order is time
-- order. `doc` is a stable 63-bit number derived from the id, the row's key in SQLite's
-- full-text table; each database's text-search structures are made by the console at
-- start-up (src/index/store.rs), because their syntax is the one thing the two do not share.
CREATE TABLE indexed_profiles (
    id           TEXT PRIMARY KEY,
    doc          BIGINT NOT NULL UNIQUE,
    external_id  TEXT,
    name         TEXT,
    unnamed      BIGINT NOT NULL,
    sort_name    TEXT NOT NULL,
    relationship TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    raw          TEXT NOT NULL,
    seen_walk    BIGINT NOT NULL,
    indexed_at   TEXT NOT NULL,
    gone_at      TEXT
);

CREATE INDEX indexed_profiles_by_external_id ON indexed_profiles (external_id);
CREATE INDEX indexed_profiles_by_creation ON indexed_profiles (created_at, id);
-- By name: named profiles (unnamed = 0) A to Z, then the unnamed ones.
CREATE INDEX indexed_profiles_by_name ON indexed_profiles (unnamed, sort_name, id);

-- Trust grants by name, statuses as they came (a later API may add either).
CREATE TABLE indexed_grants (
    profile_id TEXT NOT NULL,
    grant_name TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (profile_id, grant_name)
);

CREATE INDEX indexed_grants_by_status ON indexed_grants (status, profile_id);

CREATE TABLE indexed_metadata_keys (
    profile_id TEXT NOT NULL,
    meta_key   TEXT NOT NULL,
    PRIMARY KEY (profile_id, meta_key)
);

CREATE INDEX indexed_metadata_keys_by_key ON indexed_metadata_keys (meta_key, profile_id);

-- One row: the state of the sync, shared by every console on the database. A walk in
-- progress has a cursor (where it resumes after a restart); the lease says which console
-- syncs, until when.
CREATE TABLE index_sync (
    id                    INTEGER PRIMARY KEY,
    walk                  BIGINT NOT NULL,
    walk_cursor           TEXT,
    walk_running          INTEGER NOT NULL,
    walk_started_at       TEXT,
    walk_pages            BIGINT NOT NULL,
    walk_profiles         BIGINT NOT NULL,
    last_complete_at      TEXT,
    last_complete_count   BIGINT,
    last_complete_seconds DOUBLE PRECISION,
    last_error            TEXT,
    last_error_at         TEXT,
    refresh_requested_at  TEXT,
    lease_holder          TEXT,
    lease_until           TEXT
);

INSERT INTO index_sync (id, walk, walk_running, walk_pages, walk_profiles) VALUES (1, 0, 0, 0, 0);
