-- One word per concept: a signed-in browser is a login (a session is a
-- camp's dates with places).
ALTER TABLE login_sessions RENAME TO logins;
DROP INDEX login_sessions_account;
CREATE INDEX logins_account ON logins(account_id);

-- Only one programme takes applications at a time, also when two
-- coordinators open two programmes at the same moment: the database
-- refuses the second.
CREATE UNIQUE INDEX programmes_one_open ON programmes(status) WHERE status = 'open';

-- Exactly one run of a programme is ever published.
CREATE UNIQUE INDEX allocation_runs_one_published ON allocation_runs(programme_id) WHERE published_at IS NOT NULL;
