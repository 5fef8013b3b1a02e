-- Programs as a retrieve reports them, and each status change the index observes
-- (docs/review.md). A list, a create and an update report programs incompletely, so the
-- programs a retrieve (or a webhook's re-read) reported are kept apart from the list's
-- copy in `raw`, with when and how they were learned. `programs_due` orders the
-- background pass that retrieves profiles: 0 unknown or stale and in the review queue,
-- 1 unknown or stale, 2 known; within a rank, the least recently learned first.
ALTER TABLE indexed_profiles ADD COLUMN programs TEXT;
ALTER TABLE indexed_profiles ADD COLUMN programs_at TEXT NOT NULL DEFAULT '';
ALTER TABLE indexed_profiles ADD COLUMN programs_how TEXT;
ALTER TABLE indexed_profiles ADD COLUMN programs_due BIGINT NOT NULL DEFAULT 1;

CREATE INDEX indexed_profiles_by_programs_due
    ON indexed_profiles (programs_due, programs_at, id);

-- The review queue's tabs, each one range of an index (docs/review.md, "The queue"),
-- worked out when a profile is written: whether an open restriction can be cleared now
-- with an identity check; since when the profile has waited on Anthropic (a program or
-- grant pending, a check under review); whether a program or grant was rejected; the
-- soonest end of an open restriction; when a status last changed; and when and by whom
-- an enrollment link was last minted for it here ('' never; the link itself never).
ALTER TABLE indexed_profiles ADD COLUMN can_clear BIGINT NOT NULL DEFAULT 0;
ALTER TABLE indexed_profiles ADD COLUMN waiting_since TEXT;
ALTER TABLE indexed_profiles ADD COLUMN rejected BIGINT NOT NULL DEFAULT 0;
ALTER TABLE indexed_profiles ADD COLUMN expires_at TEXT;
ALTER TABLE indexed_profiles ADD COLUMN status_changed_at TEXT;
ALTER TABLE indexed_profiles ADD COLUMN link_minted_at TEXT NOT NULL DEFAULT '';
ALTER TABLE indexed_profiles ADD COLUMN link_minted_by TEXT;

CREATE INDEX indexed_profiles_can_clear ON indexed_profiles (can_clear, link_minted_at, id);
CREATE INDEX indexed_profiles_waiting ON indexed_profiles (waiting_since, id);
CREATE INDEX indexed_profiles_rejected ON indexed_profiles (rejected, id);
CREATE INDEX indexed_profiles_expiring ON indexed_profiles (expires_at, id);

-- Each profile's current status per subject (`grant:cyber`, `program:efs`, `tier:a`,
-- `feature:cmek`, `enforcement`, `action:enac_…`), since when, and the time of the
-- observation it rests on (`as_of`): an observation older than that is not allowed to
-- undo it, so that a slow list page cannot record a change back.
CREATE TABLE profile_statuses (
    profile_id TEXT NOT NULL,
    subject    TEXT NOT NULL,
    status     TEXT NOT NULL,
    detail     TEXT,
    since      TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    PRIMARY KEY (profile_id, subject)
);

-- The status timeline: one row per change observed, never for a profile's first
-- sighting. `how` is walk, retrieve, write or webhook; `event_at` is a webhook's own
-- event time.
CREATE TABLE status_changes (
    id          TEXT PRIMARY KEY,
    profile_id  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    detail      TEXT,
    observed_at TEXT NOT NULL,
    how         TEXT NOT NULL,
    event_at    TEXT
);

CREATE INDEX status_changes_by_profile ON status_changes (profile_id, observed_at, id);
CREATE INDEX status_changes_by_time ON status_changes (observed_at, id);

-- A review queue row an admin marked followed up (docs/review.md): the note, the date to
-- look again by (`YYYY-MM-DD`, optional), who and when. The row is hidden, when asked,
-- until that date passes or a status of the profile changes after `at`.
CREATE TABLE review_follow_ups (
    profile_id TEXT PRIMARY KEY,
    note       TEXT NOT NULL,
    due        TEXT,
    by_account TEXT NOT NULL,
    at         TEXT NOT NULL
);
