DELETE FROM auth_permission WHERE app_label = 'lettings';
--bun:split
DROP TABLE lettings_letting;
--bun:split
DROP TABLE lettings_address;
