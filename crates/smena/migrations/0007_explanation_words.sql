-- Each explanation also as message keys with their arguments (JSON), so a
-- family reads it in its own language; `sentence` keeps the English text.
ALTER TABLE explanations ADD COLUMN words TEXT;
