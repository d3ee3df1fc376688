-- Roll calls (issue 16 item 6): at a leg's departure and arrival and each
-- day at camp, a group's adult marks each child present, absent or
-- excused, on a phone that may be offline. Each mark carries the id the
-- phone gave it, so a mark sent twice is kept once; the latest mark (on
-- the phone's clock) is the child's. `occasion` names the moment once per
-- group: 'departure:{leg}', 'arrival:{leg}' or 'day:{yyyy-mm-dd}'.
CREATE TABLE roll_calls (
    id BIGINT PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES travel_groups(id) ON DELETE CASCADE,
    leg_id BIGINT REFERENCES legs(id) ON DELETE CASCADE,
    occasion TEXT NOT NULL,
    opened_by BIGINT NOT NULL REFERENCES accounts(id),
    opened_at BIGINT NOT NULL,
    closed_by BIGINT REFERENCES accounts(id),
    closed_at BIGINT
);
CREATE UNIQUE INDEX roll_calls_occasion ON roll_calls(group_id, occasion);
CREATE TABLE roll_call_marks (
    id TEXT PRIMARY KEY,
    roll_call_id BIGINT NOT NULL REFERENCES roll_calls(id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    mark TEXT NOT NULL,
    marked_at BIGINT NOT NULL,
    marked_by BIGINT NOT NULL REFERENCES accounts(id),
    received_at BIGINT NOT NULL
);
CREATE INDEX roll_call_marks_child ON roll_call_marks(roll_call_id, application_id, marked_at);
