-- The admin's history. Like Django's django_admin_log, plus the old and new
-- value of every changed field (changes, a JSON list).
CREATE TABLE admin_logentry (
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
CREATE INDEX admin_logentry_object ON admin_logentry (app_label, model, object_id, action_time);
--bun:split
CREATE INDEX admin_logentry_user ON admin_logentry (user_id, action_time);
