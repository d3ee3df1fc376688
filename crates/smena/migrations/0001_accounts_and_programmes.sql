-- Portable SQL for SQLite and PostgreSQL alike (through sqlx::Any): ids are chosen by the
-- application (random, so they cannot be guessed or enumerated), times are
-- milliseconds since the Unix epoch, dates are 'YYYY-MM-DD' text, and
-- booleans are INTEGER 0/1 (sqlx::Any cannot read SQLite's BOOLEAN).

CREATE TABLE accounts (
    id BIGINT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    full_name TEXT NOT NULL,
    language TEXT NOT NULL,
    email_verified_at BIGINT,
    school_id BIGINT,
    camp_id BIGINT,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

-- Server-side login sessions; the cookie holds a random token, the table its
-- SHA-256, so a copy of the database cannot be used to log in.
CREATE TABLE login_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_sessions_account ON login_sessions(account_id);

-- One-time links (e-mail verification, password reset), also hashed.
CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Failed logins, for throttling per account and per address.
CREATE TABLE login_failures (
    id BIGINT PRIMARY KEY,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_subject_at ON login_failures(subject, at);

-- Messages waiting to be sent (delivered over SMTP by a later issue; until
-- then the coordinator can read them).
CREATE TABLE outbox (
    id BIGINT PRIMARY KEY,
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(sent_at, next_attempt_at);

-- Who did what to whose record, and when.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_id BIGINT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE districts (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
);

CREATE TABLE schools (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    district_id BIGINT NOT NULL REFERENCES districts(id)
);

CREATE TABLE camps (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    contact TEXT NOT NULL
);

CREATE TABLE programmes (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    applications_open_at BIGINT,
    applications_close_at BIGINT,
    max_choices INTEGER NOT NULL,
    school_cap INTEGER,
    rural_coefficient_milli INTEGER NOT NULL,
    passport_months INTEGER NOT NULL,
    seed_hex TEXT,
    commitment_hex TEXT,
    seed_revealed INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id BIGINT PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    camp_id BIGINT NOT NULL REFERENCES camps(id),
    code TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    places INTEGER NOT NULL,
    min_age INTEGER NOT NULL,
    max_age INTEGER NOT NULL,
    languages TEXT NOT NULL,
    UNIQUE (programme_id, code)
);

CREATE TABLE session_reserves (
    session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    reserve_group TEXT NOT NULL,
    places INTEGER NOT NULL,
    PRIMARY KEY (session_id, reserve_group)
);

-- Points per achievement level, capped per level.
CREATE TABLE scoring_rules (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    points_milli BIGINT NOT NULL,
    cap_milli BIGINT NOT NULL,
    PRIMARY KEY (programme_id, level)
);

-- Preferential categories, ranked above the score.
CREATE TABLE priority_categories (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    tier INTEGER NOT NULL,
    PRIMARY KEY (programme_id, code)
);

CREATE TABLE required_documents (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    deadline TEXT NOT NULL,
    PRIMARY KEY (programme_id, kind)
);
