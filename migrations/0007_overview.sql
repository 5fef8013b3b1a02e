-- The reasons of each profile's open enforcement actions (GA), for the overview's
-- figures by reason and search's reason filter (docs/review.md, "The overview"). Written
-- with the profile, as `indexed_grants` is; a profile indexed before this table existed
-- gains its rows at its next write (the next walk at the latest).
CREATE TABLE indexed_reasons (
    profile_id TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (profile_id, reason)
);

CREATE INDEX indexed_reasons_by_reason ON indexed_reasons (reason, profile_id);
