-- The coordinator's applications list at national scale (issue 15): its
-- pages are chosen by walking children in name order (or a school's
-- children in name order) and each child's applications, from the
-- indexes alone, never sorting the whole list. They replace the narrower
-- indexes of 0018 they begin with.
DROP INDEX children_names;
DROP INDEX applications_child;
CREATE INDEX children_order ON children(family_name, given_name, id);
CREATE INDEX children_school_order ON children(school_id, family_name, given_name, id);
CREATE INDEX applications_child ON applications(child_id, id, status);
