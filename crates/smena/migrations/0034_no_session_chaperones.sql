-- Chaperones go with travel groups (issue 16 item 1): an adult reaches a
-- session's papers through a group of it (group_staff), so the earlier
-- per-session assignment goes. A chaperone who was only assigned to a
-- session is assigned to one of its groups by the coordinator again.
DROP TABLE session_chaperones;
