-- What a school's nomination does (issue 15 item 9), as the programme's
-- rules say: points added to the child's score, and/or a requirement
-- (only nominated children are allocated). Neither by default.
ALTER TABLE programmes ADD COLUMN nomination_points_milli INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programmes ADD COLUMN nomination_required INTEGER NOT NULL DEFAULT 0;
