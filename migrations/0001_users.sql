-- Console accounts (local sign-in). Passwords are argon2id PHC strings; `session_epoch`
-- changes whenever a change must end the account's sessions (password, role, disable).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);
