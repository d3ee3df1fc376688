-- A child's health needs (issue 16 item 4), given by the family: every
-- field sealed like passport numbers (a diet can tell a religion; an
-- allergy or a medicine, an illness). Read only by the adults of the
-- child's travel group and the medical staff of the camp the child is
-- placed with, each read audited.
CREATE TABLE child_needs (
    child_id BIGINT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    allergies TEXT,
    diet TEXT,
    medication TEXT,
    health_notes TEXT,
    updated_at BIGINT NOT NULL
);
