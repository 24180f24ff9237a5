-- The admin's changelists sort by every column they list and break ties
-- by the primary key in the same direction, so each such column gets an
-- index on (column, id): it holds the list in that order either way, and
-- a page (the 500th of 1,000 too) is read from the index rather than
-- sorted from every row; a filter's count and its values are read from it
-- too. A related column (a letting's address's city, a profile's user's
-- username) is read in its own table's index, joined through the foreign
-- key's unique index. The indexes of migrations 2 and 8 on the column
-- alone give way: SQLite's hold the id already, PostgreSQL's do not, and
-- it would sort every row of a list to break the ties. Text columns sort
-- by COLLATE "C" on PostgreSQL (migration 9), which the index takes from
-- the column.
DROP INDEX lettings_address_number;
--bun:split
CREATE INDEX lettings_address_number_id ON lettings_address (number, id);
--bun:split
DROP INDEX lettings_address_street;
--bun:split
CREATE INDEX lettings_address_street_id ON lettings_address (street, id);
--bun:split
DROP INDEX lettings_address_city;
--bun:split
CREATE INDEX lettings_address_city_id ON lettings_address (city, id);
--bun:split
DROP INDEX lettings_address_state;
--bun:split
CREATE INDEX lettings_address_state_id ON lettings_address (state, id);
--bun:split
DROP INDEX lettings_address_zip_code;
--bun:split
CREATE INDEX lettings_address_zip_code_id ON lettings_address (zip_code, id);
--bun:split
DROP INDEX lettings_address_country;
--bun:split
CREATE INDEX lettings_address_country_iso_code_id ON lettings_address (country_iso_code, id);
--bun:split
DROP INDEX lettings_letting_title;
--bun:split
CREATE INDEX lettings_letting_title_id ON lettings_letting (title, id);
--bun:split
DROP INDEX profiles_profile_favorite_city;
--bun:split
CREATE INDEX profiles_profile_favorite_city_id ON profiles_profile (favorite_city, id);
--bun:split
DROP INDEX auth_user_email;
--bun:split
CREATE INDEX auth_user_email_id ON auth_user (email, id);
--bun:split
DROP INDEX auth_user_first_name;
--bun:split
CREATE INDEX auth_user_first_name_id ON auth_user (first_name, id);
--bun:split
DROP INDEX auth_user_last_name;
--bun:split
CREATE INDEX auth_user_last_name_id ON auth_user (last_name, id);
--bun:split
CREATE INDEX auth_user_username_id ON auth_user (username, id);
--bun:split
CREATE INDEX auth_user_is_staff_id ON auth_user (is_staff, id);
--bun:split
CREATE INDEX auth_group_name_id ON auth_group (name, id);
