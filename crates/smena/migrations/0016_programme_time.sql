-- Time in the programme's zone (issue 15): every date and deadline is
-- shown in it; the document-review deadline joins the application
-- deadline (applications_close_at) and the days to answer an offer.
ALTER TABLE programmes ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Yakutsk';
ALTER TABLE programmes ADD COLUMN documents_due_at BIGINT;
