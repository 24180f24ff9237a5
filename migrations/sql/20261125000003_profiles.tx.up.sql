-- A member's public profile, one per user, deleted with the user.
CREATE TABLE profiles_profile (
    id {{.ID}},
    user_id BIGINT NOT NULL UNIQUE REFERENCES auth_user (id) ON DELETE CASCADE,
    favorite_city VARCHAR(64) NOT NULL DEFAULT '' CHECK (length(favorite_city) <= 64)
);
--bun:split
INSERT INTO auth_permission (app_label, model, codename, name) VALUES
    ('profiles', 'profile', 'add_profile', 'Can add profile'),
    ('profiles', 'profile', 'change_profile', 'Can change profile'),
    ('profiles', 'profile', 'delete_profile', 'Can delete profile'),
    ('profiles', 'profile', 'view_profile', 'Can view profile');
