-- Allocation runs, placements with their explanations, offers.

-- Each submitted application gets a public reference in submission order;
-- it is the id the lottery is drawn for, fixed before the seed is revealed.
ALTER TABLE programmes ADD COLUMN code TEXT NOT NULL DEFAULT 'P';
ALTER TABLE programmes ADD COLUMN submissions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programmes ADD COLUMN offer_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE applications ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX applications_reference ON applications(programme_id, reference);

-- A run keeps the anonymised inputs it was given and its result, so that
-- anyone can recompute it with `smena verify` once the seed is revealed.
CREATE TABLE allocation_runs (
    id BIGINT PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    applicants INTEGER NOT NULL,
    placed INTEGER NOT NULL,
    inputs_digest TEXT NOT NULL,
    results_digest TEXT NOT NULL,
    sessions_csv TEXT NOT NULL,
    applicants_csv TEXT NOT NULL,
    placements_csv TEXT NOT NULL,
    published_at BIGINT
);
CREATE INDEX allocation_runs_programme ON allocation_runs(programme_id, created_at);

CREATE TABLE placements (
    run_id BIGINT NOT NULL REFERENCES allocation_runs(id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id BIGINT REFERENCES sessions(id),
    choice_rank INTEGER,
    PRIMARY KEY (run_id, application_id)
);

-- Why each child got what they got, per ranked session, in words.
CREATE TABLE explanations (
    run_id BIGINT NOT NULL REFERENCES allocation_runs(id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    choice_rank INTEGER NOT NULL,
    session_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    sentence TEXT NOT NULL,
    PRIMARY KEY (run_id, application_id, choice_rank)
);

-- At most one offer per application: a child never holds two places.
CREATE TABLE offers (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    session_id BIGINT NOT NULL REFERENCES sessions(id),
    choice_rank INTEGER NOT NULL,
    status TEXT NOT NULL,
    offered_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX offers_session_status ON offers(session_id, status);
