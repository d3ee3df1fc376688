-- Delivery over SMTP: a message the mail server refuses for good (an
-- address that does not exist) is marked failed and no longer retried.
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;

-- The reminder before an offer's deadline is sent once per offer (a new
-- offer after a backfill gets its own).
ALTER TABLE offers ADD COLUMN reminded_at BIGINT;
