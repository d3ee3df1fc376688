-- A travel group's itinerary (issue 16 item 2): its legs with carrier,
-- number, places and moments; each moment keeps the time zone of its
-- place, so that it is shown on that place's clock, as tickets show it.
CREATE TABLE legs (
    id BIGINT PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES travel_groups(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    carrier TEXT NOT NULL,
    number TEXT NOT NULL,
    from_place TEXT NOT NULL,
    to_place TEXT NOT NULL,
    departs_at BIGINT NOT NULL,
    departs_zone TEXT NOT NULL,
    arrives_at BIGINT NOT NULL,
    arrives_zone TEXT NOT NULL,
    meeting_point TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX legs_group ON legs(group_id, departs_at);
