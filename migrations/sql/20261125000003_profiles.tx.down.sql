DELETE FROM auth_permission WHERE app_label = 'profiles';
--bun:split
DROP TABLE profiles_profile;
