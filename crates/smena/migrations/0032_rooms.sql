-- Rooms (issue 16 item 5): a host camp describes its rooms (beds, floor,
-- girls' or boys'); each session's children are assigned to them, first by
-- the solver (rooms::assigning), then edited by the camp. A family may name
-- up to three friends by their application reference; a request counts
-- when both children name each other. The camp's age spread: at most this
-- many years between the children of one room.
CREATE TABLE rooms (
    id BIGINT PRIMARY KEY,
    camp_id BIGINT NOT NULL REFERENCES camps(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    floor INTEGER NOT NULL,
    beds INTEGER NOT NULL,
    sex TEXT NOT NULL
);
CREATE UNIQUE INDEX rooms_name ON rooms(camp_id, name);
ALTER TABLE camps ADD COLUMN room_age_spread INTEGER NOT NULL DEFAULT 2;
CREATE TABLE room_places (
    session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    room_id BIGINT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    placed_by BIGINT NOT NULL REFERENCES accounts(id),
    placed_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, application_id)
);
CREATE INDEX room_places_room ON room_places(room_id);
CREATE TABLE room_requests (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    friend_reference TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, friend_reference)
);
