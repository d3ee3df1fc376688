-- Delivery over SMTP: a message the mail server refuses for good (an
-- address that does not exist) is marked failed and no longer retried.
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
