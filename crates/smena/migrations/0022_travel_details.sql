-- What a family needs to reach the group (issue 15 item 9), printed on the
-- voucher: when the group leaves (a moment, shown on the programme's
-- clock), where to meet, what to bring, and whom to call at the office.
-- Set by the coordinator any time before the journey; empty until then.
ALTER TABLE sessions ADD COLUMN departs_at BIGINT;
ALTER TABLE sessions ADD COLUMN meeting_point TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN what_to_bring TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN office_phone TEXT NOT NULL DEFAULT '';
