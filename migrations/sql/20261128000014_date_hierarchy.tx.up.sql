-- The users changelist's date hierarchy (Django's date_hierarchy on
-- date_joined) reads the first and last dates of the list and whether each
-- year, month or day holds a user: each is a seek in this index, where it
-- was a read of every row. The list's query selects the id, which the
-- index holds too, so PostgreSQL reads the index alone, as SQLite does.
CREATE INDEX auth_user_date_joined_id ON auth_user (date_joined, id);
