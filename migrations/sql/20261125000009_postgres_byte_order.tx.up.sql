-- Text sorts and matches the same way on both databases: by the bytes of
-- its UTF-8, as SQLite's BINARY collation does, with ILIKE folding only
-- ASCII letters, as SQLite's LIKE does. PostgreSQL's default collation
-- comes from the server's locale (en_US on most managed services), which
-- would put "apple" before "Banana" there and after it here.
{{if eq .Name "postgres"}}
ALTER TABLE auth_user
    ALTER COLUMN username TYPE VARCHAR(150) COLLATE "C",
    ALTER COLUMN first_name TYPE VARCHAR(150) COLLATE "C",
    ALTER COLUMN last_name TYPE VARCHAR(150) COLLATE "C",
    ALTER COLUMN email TYPE VARCHAR(254) COLLATE "C";
--bun:split
ALTER TABLE auth_group ALTER COLUMN name TYPE VARCHAR(150) COLLATE "C";
--bun:split
ALTER TABLE auth_permission
    ALTER COLUMN app_label TYPE VARCHAR(100) COLLATE "C",
    ALTER COLUMN model TYPE VARCHAR(100) COLLATE "C",
    ALTER COLUMN codename TYPE VARCHAR(100) COLLATE "C",
    ALTER COLUMN name TYPE VARCHAR(255) COLLATE "C";
--bun:split
ALTER TABLE lettings_address
    ALTER COLUMN street TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN city TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN state TYPE VARCHAR(2) COLLATE "C",
    ALTER COLUMN country_iso_code TYPE VARCHAR(3) COLLATE "C";
--bun:split
ALTER TABLE lettings_letting ALTER COLUMN title TYPE VARCHAR(256) COLLATE "C";
--bun:split
ALTER TABLE profiles_profile ALTER COLUMN favorite_city TYPE VARCHAR(64) COLLATE "C";
--bun:split
ALTER TABLE admin_logentry ALTER COLUMN object_repr TYPE VARCHAR(200) COLLATE "C";
{{end}}
