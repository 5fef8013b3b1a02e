-- A file posted on the import page (docs/onboarding.md, "The import page"), kept until it
-- is checked, so that the mapping step need not ask for it again and whichever console
-- instance answers can check it. Only UTF-8 text is kept (anything else is refused
-- first); a file never checked is forgotten after a day.
CREATE TABLE import_uploads (
    id         TEXT PRIMARY KEY,
    actor      TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX import_uploads_by_time ON import_uploads (created_at);
