-- A visa or an invitation where the host country requires one (issue 16
-- item 3): the name of the document the camp's children need to enter,
-- as the coordinator writes it ("Виза КНДР"), or NULL when none is needed.
-- Each child placed at the camp uploads it for their session (its kind is
-- 'entry-' and the session's id: a visa is for one trip's dates), and the
-- ready board counts it like the programme's required documents.
ALTER TABLE camps ADD COLUMN entry_document TEXT;
