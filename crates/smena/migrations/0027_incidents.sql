-- Incidents on the journey (issue 16 item 7): what happened to a child,
-- recorded by an adult of the child's travel group or the staff of the
-- child's camp. The description is sealed (it may tell of health); which
-- kinds the family is told of is the programme's rule.
CREATE TABLE incidents (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    happened_at BIGINT NOT NULL,
    reported_by BIGINT NOT NULL REFERENCES accounts(id),
    family_told INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX incidents_application ON incidents(application_id, happened_at);
ALTER TABLE programmes ADD COLUMN incidents_told TEXT NOT NULL DEFAULT 'illness,injury,lost_document';
