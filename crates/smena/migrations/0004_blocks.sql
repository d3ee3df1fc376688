-- Siblings or friends of one family who apply as a block: placed together
-- or not at all. The reference is public (the block's lottery number is
-- drawn for it) and fixed before the seed is revealed.
ALTER TABLE applications ADD COLUMN block_ref TEXT;
CREATE INDEX applications_block ON applications(programme_id, block_ref);
