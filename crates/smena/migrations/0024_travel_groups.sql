-- Travel groups (issue 16 item 1): a session's children with accepted
-- places, formed by departure point, sex and age under the programme's
-- chaperone ratio, and the adults (chaperones, camp staff) assigned to
-- each group, who see only their groups.
ALTER TABLE children ADD COLUMN sex TEXT;
ALTER TABLE programmes ADD COLUMN children_per_adult INTEGER NOT NULL DEFAULT 8;
ALTER TABLE programmes ADD COLUMN adults_per_group INTEGER NOT NULL DEFAULT 2;

CREATE TABLE travel_groups (
    id BIGINT PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    departure TEXT NOT NULL,
    adults_needed INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (session_id, number)
);

-- A child travels in one group.
CREATE TABLE group_members (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES travel_groups(id) ON DELETE CASCADE
);
CREATE INDEX group_members_group ON group_members(group_id);

CREATE TABLE group_staff (
    group_id BIGINT NOT NULL REFERENCES travel_groups(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_staff_account ON group_staff(account_id);
