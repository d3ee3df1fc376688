-- A family is reminded before a required document's deadline when the
-- child has no usable copy of it (issue 15): the deadline day last
-- reminded of, so each deadline is reminded of once, by one replica.
ALTER TABLE applications ADD COLUMN documents_reminded_for TEXT;

-- Demo accounts (and any account whose holder never chose a language)
-- follow the browser's language; a choice on the language switcher is
-- kept (issue 15).
ALTER TABLE accounts ADD COLUMN language_chosen BIGINT NOT NULL DEFAULT 1;
