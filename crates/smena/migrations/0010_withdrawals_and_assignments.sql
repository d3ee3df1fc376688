-- A consent unticked on a draft is withdrawn, not forgotten: who gave it,
-- when, who took it back and when all stay on record. At most one live
-- consent of a kind per application.
CREATE TABLE consents_kept (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text_version TEXT NOT NULL,
    given_by BIGINT NOT NULL REFERENCES accounts(id),
    given_at BIGINT NOT NULL,
    withdrawn_by BIGINT REFERENCES accounts(id),
    withdrawn_at BIGINT
);
INSERT INTO consents_kept (id, application_id, kind, text_version, given_by, given_at)
    SELECT id, application_id, kind, text_version, given_by, given_at FROM consents;
DROP TABLE consents;
ALTER TABLE consents_kept RENAME TO consents;
CREATE UNIQUE INDEX consents_live ON consents(application_id, kind) WHERE withdrawn_at IS NULL;
CREATE INDEX consents_application ON consents(application_id);

-- Chaperones assigned to a session by the coordinator: a chaperone sees the
-- travel papers (passport numbers, emergency contacts) of those sessions
-- only. Travel groups will refine this to a session's groups.
CREATE TABLE session_chaperones (
    session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    assigned_by BIGINT REFERENCES accounts(id),
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, account_id)
);
CREATE INDEX session_chaperones_account ON session_chaperones(account_id);

-- A change of a child's identity (names, birth date, passport) asked for
-- after applications closed: it waits for the coordinator, and until then
-- the child's place, voucher and manifest keep the details they had. One
-- waits at a time per child.
CREATE TABLE identity_changes (
    id BIGINT PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    passport_number TEXT,
    passport_expires TEXT,
    status TEXT NOT NULL,
    asked_by BIGINT NOT NULL REFERENCES accounts(id),
    asked_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES accounts(id),
    decided_at BIGINT
);
CREATE UNIQUE INDEX identity_changes_waiting ON identity_changes(child_id) WHERE status = 'pending';
