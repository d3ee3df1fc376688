-- Delivery takes messages in batches: each taken message names the sender
-- that holds it (its lease is renewed while the send is under way), so two
-- replicas never hold the same message and a sender only marks what it
-- still holds.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
-- The messages waiting, in the order they are taken.
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_claimed ON outbox(claimed_by) WHERE claimed_by IS NOT NULL;
