-- Lists at national scale (issue 15 item 8): the orders and filters of the
-- coordinator's lists walk an index and stop after one page instead of
-- sorting every row.
CREATE INDEX children_names ON children(family_name, given_name);
CREATE INDEX applications_child ON applications(child_id);
CREATE INDEX applications_submitted ON applications(submitted_at);
CREATE INDEX documents_queue ON documents(status, uploaded_at);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX outbox_created ON outbox(created_at);
