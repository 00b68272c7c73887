-- Accounts, sessions, API tokens and login throttling.
-- Times are seconds since the Unix epoch; flags are 0 or 1 (one SQL text serves SQLite too).
-- No password and no session or API token is stored: only argon2id hashes of passwords and
-- BLAKE3 hashes of tokens.

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    -- The email (or user name) as compared: trimmed and lower-cased, unique.
    email_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- `public` is the role of anyone not logged in, never an account's.
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'edi_lead', 'reviewer', 'viewer')),
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    client_addr TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed logins per account (scope 'account', key the email key) and per client address
-- (scope 'address'), so throttling holds across restarts and processes.
CREATE TABLE login_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (scope, key)
);
