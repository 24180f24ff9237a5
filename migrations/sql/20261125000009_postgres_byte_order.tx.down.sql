-- Back to the server's default collation.
{{if eq .Name "postgres"}}
ALTER TABLE auth_user
    ALTER COLUMN username TYPE VARCHAR(150) COLLATE "default",
    ALTER COLUMN first_name TYPE VARCHAR(150) COLLATE "default",
    ALTER COLUMN last_name TYPE VARCHAR(150) COLLATE "default",
    ALTER COLUMN email TYPE VARCHAR(254) COLLATE "default";
--bun:split
ALTER TABLE auth_group ALTER COLUMN name TYPE VARCHAR(150) COLLATE "default";
--bun:split
ALTER TABLE auth_permission
    ALTER COLUMN app_label TYPE VARCHAR(100) COLLATE "default",
    ALTER COLUMN model TYPE VARCHAR(100) COLLATE "default",
    ALTER COLUMN codename TYPE VARCHAR(100) COLLATE "default",
    ALTER COLUMN name TYPE VARCHAR(255) COLLATE "default";
--bun:split
ALTER TABLE lettings_address
    ALTER COLUMN street TYPE VARCHAR(64) COLLATE "default",
    ALTER COLUMN city TYPE VARCHAR(64) COLLATE "default",
    ALTER COLUMN state TYPE VARCHAR(2) COLLATE "default",
    ALTER COLUMN country_iso_code TYPE VARCHAR(3) COLLATE "default";
--bun:split
ALTER TABLE lettings_letting ALTER COLUMN title TYPE VARCHAR(256) COLLATE "default";
--bun:split
ALTER TABLE profiles_profile ALTER COLUMN favorite_city TYPE VARCHAR(64) COLLATE "default";
--bun:split
ALTER TABLE admin_logentry ALTER COLUMN object_repr TYPE VARCHAR(200) COLLATE "default";
{{end}}
