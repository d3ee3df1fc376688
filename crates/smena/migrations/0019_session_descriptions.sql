-- What a session offers, as families read it before ranking it (issue 15
-- item 9): the programme, languages, what it costs and who pays.
ALTER TABLE sessions ADD COLUMN description TEXT NOT NULL DEFAULT '';
