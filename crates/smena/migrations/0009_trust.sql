-- Settings of the installation: a MAC of a fixed text under the server's
-- key, so that a database refuses to be opened with another key.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A one-time link waiting in the outbox is kept sealed with the server's
-- key, apart from the body (which holds a placeholder where it goes), and
-- wiped once the message is delivered or has failed for good.
ALTER TABLE outbox ADD COLUMN secret TEXT;

-- Links written in clear by earlier versions are taken out of the outbox.
UPDATE outbox SET body = '' WHERE kind IN ('password_reset', 'email_verification');

-- Throttling counts attempts atomically: one row per subject (an account at
-- an address, an address, an e-mail address), counted and checked in one
-- statement, so that parallel attempts cannot all pass.
CREATE TABLE throttles (
    subject TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts INTEGER NOT NULL
);
DROP TABLE login_failures;
