-- A child not collected (issue 16 item 8): when a group's return leg
-- arrived more than two hours ago and a child of it is not handed over,
-- the coordinators are e-mailed once per group (this column) and the
-- children stay on the coordinator's board until handed over.
ALTER TABLE travel_groups ADD COLUMN uncollected_alert_at BIGINT;
