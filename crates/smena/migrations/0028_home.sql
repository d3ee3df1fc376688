-- The way home (issue 16 item 8): each child handed over to a guardian at
-- the return, recorded with the guardian's name and the time; the
-- programme completes only when every travelling child is home. Families
-- then rate the journey.
CREATE TABLE handovers (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    handed_to TEXT NOT NULL,
    handed_at BIGINT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES accounts(id)
);
CREATE TABLE feedback (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
