DROP INDEX auth_user_date_joined_id;
