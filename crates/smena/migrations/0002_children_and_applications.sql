-- Families' data: children, achievements, documents, applications with
-- ranked choices and consents; schools' rosters.

-- How much of a level's points each place earns (1 = winner).
CREATE TABLE scoring_places (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    place INTEGER NOT NULL,
    percent INTEGER NOT NULL,
    PRIMARY KEY (programme_id, place)
);

CREATE TABLE children (
    id BIGINT PRIMARY KEY,
    guardian_id BIGINT NOT NULL REFERENCES accounts(id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    category TEXT,
    passport_expires TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX children_guardian ON children(guardian_id);
CREATE INDEX children_school ON children(school_id);

CREATE TABLE achievements (
    id BIGINT PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    place INTEGER NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX achievements_child ON achievements(child_id);

-- Files are stored on disk under their SHA-256; this is what they are.
CREATE TABLE documents (
    id BIGINT PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    uploaded_at BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL,
    reviewed_at BIGINT,
    reviewed_by BIGINT
);
CREATE INDEX documents_child ON documents(child_id);
CREATE INDEX documents_status ON documents(status);

CREATE TABLE applications (
    id BIGINT PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    UNIQUE (programme_id, child_id)
);
CREATE INDEX applications_programme_status ON applications(programme_id, status);

CREATE TABLE application_choices (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    choice_rank INTEGER NOT NULL,
    session_id BIGINT NOT NULL REFERENCES sessions(id),
    PRIMARY KEY (application_id, choice_rank),
    UNIQUE (application_id, session_id)
);

-- Who agreed to what, when, and which wording they were shown.
CREATE TABLE consents (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text_version TEXT NOT NULL,
    given_by BIGINT NOT NULL REFERENCES accounts(id),
    given_at BIGINT NOT NULL,
    UNIQUE (application_id, kind)
);

-- A school's pupils as imported by its representative.
CREATE TABLE pupils (
    id BIGINT PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    class_name TEXT NOT NULL,
    nominated INTEGER NOT NULL DEFAULT 0,
    imported_at BIGINT NOT NULL,
    UNIQUE (school_id, family_name, given_name, birth_date)
);
