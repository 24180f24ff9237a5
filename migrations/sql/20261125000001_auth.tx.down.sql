DROP TABLE auth_user_user_permissions;
--bun:split
DROP TABLE auth_user_groups;
--bun:split
DROP TABLE auth_group_permissions;
--bun:split
DROP TABLE auth_permission;
--bun:split
DROP TABLE auth_group;
--bun:split
DROP TABLE auth_user;
