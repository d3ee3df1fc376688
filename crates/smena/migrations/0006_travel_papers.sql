-- Travel papers: where a session's group leaves from, what the border and
-- the camp need to know about each child, and the voucher issued to a child
-- who accepted a place.
ALTER TABLE sessions ADD COLUMN departure TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN passport_number TEXT;
ALTER TABLE children ADD COLUMN emergency_contact TEXT;
ALTER TABLE offers ADD COLUMN voucher_code TEXT;
ALTER TABLE offers ADD COLUMN voucher_issued_at BIGINT;
CREATE UNIQUE INDEX offers_voucher_code ON offers(voucher_code);
