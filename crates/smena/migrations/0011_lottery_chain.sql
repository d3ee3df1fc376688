-- The lottery's chain (DESIGN.md, "The lottery's integrity"). At opening
-- the beacon round is fixed (a drand quicknet round still to come); at
-- closing the inputs freeze; the beacon's value, entered once it has
-- appeared, with the secret seed and the inputs' digest gives the lottery
-- seed every run draws with.
ALTER TABLE programmes ADD COLUMN beacon_round BIGINT;
ALTER TABLE programmes ADD COLUMN beacon_hex TEXT;
ALTER TABLE programmes ADD COLUMN lottery_seed_hex TEXT;

-- The seed a run drew with (earlier runs drew with the secret seed).
ALTER TABLE allocation_runs ADD COLUMN seed_hex TEXT;

-- The inputs as frozen when applications closed: the anonymised export
-- (published, with its digest and the Merkle root of its rows that
-- families' receipts lead to) and the same inputs with every column
-- (personal data, never published), which final runs allocate.
CREATE TABLE frozen_inputs (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes(id),
    frozen_at BIGINT NOT NULL,
    sessions_csv TEXT NOT NULL,
    applicants_csv TEXT NOT NULL,
    inputs_digest TEXT NOT NULL,
    receipts_root TEXT NOT NULL,
    private_sessions_csv TEXT NOT NULL,
    private_applicants_csv TEXT NOT NULL
);
