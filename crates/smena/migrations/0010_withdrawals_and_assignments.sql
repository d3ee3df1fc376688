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
