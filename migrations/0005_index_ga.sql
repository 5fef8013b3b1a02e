-- GA's enforcement status, for the search filter (docs/index.md). NULL for a profile read
-- under the 2026-03-24 beta, or from an organization without enforcement. The
-- `relationship` column holds GA's access type for profiles read under GA, and
-- `indexed_grants` holds GA's program statuses beside the beta's trust grants.
ALTER TABLE indexed_profiles ADD COLUMN enforcement_status TEXT;

CREATE INDEX indexed_profiles_by_enforcement ON indexed_profiles (enforcement_status, id);
