-- A counter that only changes to what the site shows move: the caches of
-- rendered pages compare it, so a session row or a sign-in attempt
-- (written on every visit or guess) no longer throws every page away. Each
-- change to a table the pages show moves it in the change's own
-- transaction, so a reader that sees the new number sees the new data, on
-- either database. A sign-in's stamp of last_login alone does not count:
-- no cached page shows it, and every successful sign-in writes it.
CREATE TABLE content_version (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
--bun:split
INSERT INTO content_version (id, n) VALUES (1, 1);
{{if eq .Name "postgres"}}
--bun:split
-- Once per statement, not per row: a bulk import moves it once. The row
-- lock it takes lasts until the commit, so content writes take turns on
-- it; they are the admin's, few and short.
CREATE FUNCTION content_version_bump() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
--bun:split
CREATE TRIGGER auth_user_content_version AFTER INSERT OR UPDATE OF id, password, is_superuser, username, username_key, first_name, last_name, email, is_staff, is_active, date_joined OR DELETE OR TRUNCATE ON auth_user
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER auth_group_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_group
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER auth_permission_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_permission
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER auth_group_permissions_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_group_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER auth_user_groups_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_user_groups
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER auth_user_user_permissions_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_user_user_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER lettings_address_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lettings_address
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER lettings_letting_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lettings_letting
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER profiles_profile_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON profiles_profile
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
--bun:split
CREATE TRIGGER admin_logentry_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_logentry
    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();
{{else}}
--bun:split
CREATE TRIGGER auth_user_content_version_insert AFTER INSERT ON auth_user
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_content_version_update AFTER UPDATE OF id, password, is_superuser, username, username_key, first_name, last_name, email, is_staff, is_active, date_joined ON auth_user
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_content_version_delete AFTER DELETE ON auth_user
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_group_content_version_insert AFTER INSERT ON auth_group
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_group_content_version_update AFTER UPDATE ON auth_group
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_group_content_version_delete AFTER DELETE ON auth_group
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_permission_content_version_insert AFTER INSERT ON auth_permission
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_permission_content_version_update AFTER UPDATE ON auth_permission
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_permission_content_version_delete AFTER DELETE ON auth_permission
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_group_permissions_content_version_insert AFTER INSERT ON auth_group_permissions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_group_permissions_content_version_update AFTER UPDATE ON auth_group_permissions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_group_permissions_content_version_delete AFTER DELETE ON auth_group_permissions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_groups_content_version_insert AFTER INSERT ON auth_user_groups
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_groups_content_version_update AFTER UPDATE ON auth_user_groups
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_groups_content_version_delete AFTER DELETE ON auth_user_groups
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_user_permissions_content_version_insert AFTER INSERT ON auth_user_user_permissions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_user_permissions_content_version_update AFTER UPDATE ON auth_user_user_permissions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER auth_user_user_permissions_content_version_delete AFTER DELETE ON auth_user_user_permissions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER lettings_address_content_version_insert AFTER INSERT ON lettings_address
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER lettings_address_content_version_update AFTER UPDATE ON lettings_address
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER lettings_address_content_version_delete AFTER DELETE ON lettings_address
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER lettings_letting_content_version_insert AFTER INSERT ON lettings_letting
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER lettings_letting_content_version_update AFTER UPDATE ON lettings_letting
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER lettings_letting_content_version_delete AFTER DELETE ON lettings_letting
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER profiles_profile_content_version_insert AFTER INSERT ON profiles_profile
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER profiles_profile_content_version_update AFTER UPDATE ON profiles_profile
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER profiles_profile_content_version_delete AFTER DELETE ON profiles_profile
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER admin_logentry_content_version_insert AFTER INSERT ON admin_logentry
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER admin_logentry_content_version_update AFTER UPDATE ON admin_logentry
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
--bun:split
CREATE TRIGGER admin_logentry_content_version_delete AFTER DELETE ON admin_logentry
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
{{end}}
