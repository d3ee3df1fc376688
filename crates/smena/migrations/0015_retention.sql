-- Retention (issue 14). Each programme keeps its personal data until
-- retain_until (a date, YYYY-MM-DD, shown in the consent text); then
-- `smena purge` and the service's daily job delete it. Programmes of
-- earlier versions get a date at the service's start (their last
-- session's end plus one year), while the column is still empty.
ALTER TABLE programmes ADD COLUMN retain_until TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN purged_at BIGINT;

-- What stays of a purged programme: anonymised figures (JSON).
CREATE TABLE programme_statistics (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes(id),
    taken_at BIGINT NOT NULL,
    figures TEXT NOT NULL
);

-- Personal words of an audit entry (names in an identity change, say)
-- live beside the append-only log: the chain hashes a salted digest of
-- them, so the purge can delete them without breaking the chain, and
-- nobody can guess them back from the digest once the salt is gone.
ALTER TABLE audit_log ADD COLUMN personal_digest TEXT;
CREATE TABLE audit_personal (
    entry_id BIGINT PRIMARY KEY,
    salt TEXT NOT NULL,
    words TEXT NOT NULL
);

-- Delivered messages lose their subject and body after some days.
ALTER TABLE outbox ADD COLUMN wiped_at BIGINT;

-- A family asked to delete its account: done at once where nothing must
-- be kept, else at the retention date of its last programme.
ALTER TABLE accounts ADD COLUMN deletion_asked_at BIGINT;
