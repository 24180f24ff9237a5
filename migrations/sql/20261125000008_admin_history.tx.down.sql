DROP INDEX profiles_profile_favorite_city;
--bun:split
DROP INDEX auth_user_last_name;
--bun:split
DROP INDEX auth_user_first_name;
--bun:split
DROP INDEX auth_user_email;
--bun:split
DROP INDEX lettings_address_country;
--bun:split
DROP INDEX lettings_address_zip_code;
--bun:split
DROP INDEX lettings_address_state;
--bun:split
DROP INDEX lettings_address_city;
--bun:split
DROP INDEX lettings_address_street;
--bun:split
DROP INDEX lettings_address_number;
--bun:split
-- Entries whose author is gone cannot go back under NOT NULL.
DELETE FROM admin_logentry WHERE user_id IS NULL;
{{if eq .Name "sqlite"}}
--bun:split
CREATE TABLE admin_logentry_old (
    id {{.ID}},
    action_time {{.Timestamp}} NOT NULL,
    user_id BIGINT NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    app_label VARCHAR(100) NOT NULL,
    model VARCHAR(100) NOT NULL,
    object_id VARCHAR(255) NOT NULL,
    object_repr VARCHAR(200) NOT NULL,
    action_flag SMALLINT NOT NULL CHECK (action_flag IN (1, 2, 3)),
    change_message TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL DEFAULT '[]'
);
--bun:split
INSERT INTO admin_logentry_old (id, action_time, user_id, app_label, model, object_id, object_repr, action_flag, change_message, changes)
    SELECT id, action_time, user_id, app_label, model, object_id, object_repr, action_flag, change_message, changes FROM admin_logentry;
--bun:split
DROP TABLE admin_logentry;
--bun:split
ALTER TABLE admin_logentry_old RENAME TO admin_logentry;
--bun:split
CREATE INDEX admin_logentry_object ON admin_logentry (app_label, model, object_id, action_time);
--bun:split
CREATE INDEX admin_logentry_user ON admin_logentry (user_id, action_time);
{{else}}
--bun:split
ALTER TABLE admin_logentry DROP CONSTRAINT admin_logentry_user_id_fkey;
--bun:split
ALTER TABLE admin_logentry ADD CONSTRAINT admin_logentry_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE CASCADE;
--bun:split
ALTER TABLE admin_logentry ALTER COLUMN user_id SET NOT NULL;
{{end}}
