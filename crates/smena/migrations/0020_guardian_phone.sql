-- The parent's phone number (issue 15 item 9), sealed like passport
-- numbers: on the chaperone's offline roster, whom to call when there is
-- no connection.
ALTER TABLE accounts ADD COLUMN phone TEXT;
