{{if eq .Name "postgres"}}
DROP TRIGGER auth_user_content_version ON auth_user;
--bun:split
DROP TRIGGER auth_group_content_version ON auth_group;
--bun:split
DROP TRIGGER auth_permission_content_version ON auth_permission;
--bun:split
DROP TRIGGER auth_group_permissions_content_version ON auth_group_permissions;
--bun:split
DROP TRIGGER auth_user_groups_content_version ON auth_user_groups;
--bun:split
DROP TRIGGER auth_user_user_permissions_content_version ON auth_user_user_permissions;
--bun:split
DROP TRIGGER lettings_address_content_version ON lettings_address;
--bun:split
DROP TRIGGER lettings_letting_content_version ON lettings_letting;
--bun:split
DROP TRIGGER profiles_profile_content_version ON profiles_profile;
--bun:split
DROP TRIGGER admin_logentry_content_version ON admin_logentry;
--bun:split
DROP FUNCTION content_version_bump();
{{else}}
DROP TRIGGER auth_user_content_version_insert;
--bun:split
DROP TRIGGER auth_user_content_version_update;
--bun:split
DROP TRIGGER auth_user_content_version_delete;
--bun:split
DROP TRIGGER auth_group_content_version_insert;
--bun:split
DROP TRIGGER auth_group_content_version_update;
--bun:split
DROP TRIGGER auth_group_content_version_delete;
--bun:split
DROP TRIGGER auth_permission_content_version_insert;
--bun:split
DROP TRIGGER auth_permission_content_version_update;
--bun:split
DROP TRIGGER auth_permission_content_version_delete;
--bun:split
DROP TRIGGER auth_group_permissions_content_version_insert;
--bun:split
DROP TRIGGER auth_group_permissions_content_version_update;
--bun:split
DROP TRIGGER auth_group_permissions_content_version_delete;
--bun:split
DROP TRIGGER auth_user_groups_content_version_insert;
--bun:split
DROP TRIGGER auth_user_groups_content_version_update;
--bun:split
DROP TRIGGER auth_user_groups_content_version_delete;
--bun:split
DROP TRIGGER auth_user_user_permissions_content_version_insert;
--bun:split
DROP TRIGGER auth_user_user_permissions_content_version_update;
--bun:split
DROP TRIGGER auth_user_user_permissions_content_version_delete;
--bun:split
DROP TRIGGER lettings_address_content_version_insert;
--bun:split
DROP TRIGGER lettings_address_content_version_update;
--bun:split
DROP TRIGGER lettings_address_content_version_delete;
--bun:split
DROP TRIGGER lettings_letting_content_version_insert;
--bun:split
DROP TRIGGER lettings_letting_content_version_update;
--bun:split
DROP TRIGGER lettings_letting_content_version_delete;
--bun:split
DROP TRIGGER profiles_profile_content_version_insert;
--bun:split
DROP TRIGGER profiles_profile_content_version_update;
--bun:split
DROP TRIGGER profiles_profile_content_version_delete;
--bun:split
DROP TRIGGER admin_logentry_content_version_insert;
--bun:split
DROP TRIGGER admin_logentry_content_version_update;
--bun:split
DROP TRIGGER admin_logentry_content_version_delete;
--bun:split
{{end}}
--bun:split
DROP TABLE content_version;
