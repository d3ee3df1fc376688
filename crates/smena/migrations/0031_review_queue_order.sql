-- The document review queue at national scale (issue 15): a page's ids
-- are chosen by walking the queue's index alone (oldest or newest first,
-- any kind) or each child's documents in name order; they replace the
-- narrower indexes of 0002 and 0018 they begin with.
DROP INDEX documents_queue;
DROP INDEX documents_child;
CREATE INDEX documents_queue ON documents(status, uploaded_at, id, kind);
CREATE INDEX documents_child ON documents(child_id, status, id, kind);
