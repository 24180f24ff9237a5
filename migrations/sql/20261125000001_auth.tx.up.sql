-- Accounts, groups and permissions, shaped like Django's auth app so that
-- existing users, hashes and rights carry over unchanged.
-- The .ID, .Timestamp and .Bytes placeholders are the only dialect
-- differences in any migration; migrations.go maps them for each database.
CREATE TABLE auth_user (
    id {{.ID}},
    password VARCHAR(128) NOT NULL,
    last_login {{.Timestamp}} NULL,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    username VARCHAR(150) NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 150),
    username_key VARCHAR(600) NOT NULL,
    first_name VARCHAR(150) NOT NULL DEFAULT '' CHECK (length(first_name) <= 150),
    last_name VARCHAR(150) NOT NULL DEFAULT '' CHECK (length(last_name) <= 150),
    email VARCHAR(254) NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    date_joined {{.Timestamp}} NOT NULL
);
--bun:split
-- Case-insensitive uniqueness: username_key is the case-folded username,
-- computed by the model the same way for every database.
CREATE UNIQUE INDEX auth_user_username_folded ON auth_user (username_key);
--bun:split
CREATE TABLE auth_group (
    id {{.ID}},
    name VARCHAR(150) NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 150)
);
--bun:split
CREATE TABLE auth_permission (
    id {{.ID}},
    app_label VARCHAR(100) NOT NULL,
    model VARCHAR(100) NOT NULL,
    codename VARCHAR(100) NOT NULL,
    name VARCHAR(255) NOT NULL,
    UNIQUE (app_label, codename)
);
--bun:split
CREATE TABLE auth_group_permissions (
    group_id BIGINT NOT NULL REFERENCES auth_group (id) ON DELETE CASCADE,
    permission_id BIGINT NOT NULL REFERENCES auth_permission (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, permission_id)
);
--bun:split
CREATE INDEX auth_group_permissions_permission ON auth_group_permissions (permission_id);
--bun:split
CREATE TABLE auth_user_groups (
    user_id BIGINT NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES auth_group (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
--bun:split
CREATE INDEX auth_user_groups_group ON auth_user_groups (group_id);
--bun:split
CREATE TABLE auth_user_user_permissions (
    user_id BIGINT NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    permission_id BIGINT NOT NULL REFERENCES auth_permission (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, permission_id)
);
--bun:split
CREATE INDEX auth_user_user_permissions_permission ON auth_user_user_permissions (permission_id);
--bun:split
INSERT INTO auth_permission (app_label, model, codename, name) VALUES
    ('auth', 'group', 'add_group', 'Can add group'),
    ('auth', 'group', 'change_group', 'Can change group'),
    ('auth', 'group', 'delete_group', 'Can delete group'),
    ('auth', 'group', 'view_group', 'Can view group'),
    ('auth', 'user', 'add_user', 'Can add user'),
    ('auth', 'user', 'change_user', 'Can change user'),
    ('auth', 'user', 'delete_user', 'Can delete user'),
    ('auth', 'user', 'view_user', 'Can view user');
