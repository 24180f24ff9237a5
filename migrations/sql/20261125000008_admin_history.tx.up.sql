-- History outlives its authors: deleting a user keeps the log entries they
-- made, with no user, instead of deleting them. And the columns the admin's
-- lists sort and filter by get indexes, so a list of 100,000 rows sorted by
-- city finds its first page without sorting them all.
{{if eq .Name "sqlite"}}
-- SQLite: a column's constraints change only by rebuilding the table.
CREATE TABLE admin_logentry_new (
    id {{.ID}},
    action_time {{.Timestamp}} NOT NULL,
    user_id BIGINT NULL REFERENCES auth_user (id) ON DELETE SET NULL,
    app_label VARCHAR(100) NOT NULL,
    model VARCHAR(100) NOT NULL,
    object_id VARCHAR(255) NOT NULL,
    object_repr VARCHAR(200) NOT NULL,
    action_flag SMALLINT NOT NULL CHECK (action_flag IN (1, 2, 3)),
    change_message TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL DEFAULT '[]'
);
--bun:split
INSERT INTO admin_logentry_new (id, action_time, user_id, app_label, model, object_id, object_repr, action_flag, change_message, changes)
    SELECT id, action_time, user_id, app_label, model, object_id, object_repr, action_flag, change_message, changes FROM admin_logentry;
--bun:split
DROP TABLE admin_logentry;
--bun:split
ALTER TABLE admin_logentry_new RENAME TO admin_logentry;
--bun:split
CREATE INDEX admin_logentry_object ON admin_logentry (app_label, model, object_id, action_time);
--bun:split
CREATE INDEX admin_logentry_user ON admin_logentry (user_id, action_time);
{{else}}
-- PostgreSQL changes the column and its constraint in place.
ALTER TABLE admin_logentry ALTER COLUMN user_id DROP NOT NULL;
--bun:split
ALTER TABLE admin_logentry DROP CONSTRAINT admin_logentry_user_id_fkey;
--bun:split
ALTER TABLE admin_logentry ADD CONSTRAINT admin_logentry_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE SET NULL;
{{end}}
--bun:split
CREATE INDEX lettings_address_number ON lettings_address (number);
--bun:split
CREATE INDEX lettings_address_street ON lettings_address (street);
--bun:split
CREATE INDEX lettings_address_city ON lettings_address (city);
--bun:split
CREATE INDEX lettings_address_state ON lettings_address (state);
--bun:split
CREATE INDEX lettings_address_zip_code ON lettings_address (zip_code);
--bun:split
CREATE INDEX lettings_address_country ON lettings_address (country_iso_code);
--bun:split
CREATE INDEX auth_user_email ON auth_user (email);
--bun:split
CREATE INDEX auth_user_first_name ON auth_user (first_name);
--bun:split
CREATE INDEX auth_user_last_name ON auth_user (last_name);
--bun:split
CREATE INDEX profiles_profile_favorite_city ON profiles_profile (favorite_city);
