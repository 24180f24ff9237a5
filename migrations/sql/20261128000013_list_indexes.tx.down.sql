DROP INDEX auth_group_name_id;
--bun:split
DROP INDEX auth_user_is_staff_id;
--bun:split
DROP INDEX auth_user_username_id;
--bun:split
DROP INDEX auth_user_last_name_id;
--bun:split
CREATE INDEX auth_user_last_name ON auth_user (last_name);
--bun:split
DROP INDEX auth_user_first_name_id;
--bun:split
CREATE INDEX auth_user_first_name ON auth_user (first_name);
--bun:split
DROP INDEX auth_user_email_id;
--bun:split
CREATE INDEX auth_user_email ON auth_user (email);
--bun:split
DROP INDEX profiles_profile_favorite_city_id;
--bun:split
CREATE INDEX profiles_profile_favorite_city ON profiles_profile (favorite_city);
--bun:split
DROP INDEX lettings_letting_title_id;
--bun:split
CREATE INDEX lettings_letting_title ON lettings_letting (title);
--bun:split
DROP INDEX lettings_address_country_iso_code_id;
--bun:split
CREATE INDEX lettings_address_country ON lettings_address (country_iso_code);
--bun:split
DROP INDEX lettings_address_zip_code_id;
--bun:split
CREATE INDEX lettings_address_zip_code ON lettings_address (zip_code);
--bun:split
DROP INDEX lettings_address_state_id;
--bun:split
CREATE INDEX lettings_address_state ON lettings_address (state);
--bun:split
DROP INDEX lettings_address_city_id;
--bun:split
CREATE INDEX lettings_address_city ON lettings_address (city);
--bun:split
DROP INDEX lettings_address_street_id;
--bun:split
CREATE INDEX lettings_address_street ON lettings_address (street);
--bun:split
DROP INDEX lettings_address_number_id;
--bun:split
CREATE INDEX lettings_address_number ON lettings_address (number);
