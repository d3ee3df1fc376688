-- Personal data kept encrypted in the database (passport numbers,
-- emergency contacts) is sealed with a data key; each data key is kept
-- here wrapped (sealed) by the server's key, which lives outside the
-- database. Re-wrapping under a new server key rewrites only this table.
CREATE TABLE data_keys (
    id BIGINT PRIMARY KEY,
    wrapped TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
